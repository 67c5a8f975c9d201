// How the Models view words a download or load in progress.
import { expect, test } from 'vitest';
import { describeTransfer } from '../../../src/ui/models/transfer-progress';

test('says bytes of the total, percent, speed and time left', () => {
  expect(describeTransfer({ fraction: 0.031, loadedBytes: 12e6, totalBytes: 400e6, bytesPerSecond: 2.1e6, etaSeconds: 185 })).toBe(
    '12 MB of 400 MB (3%) · 2.1 MB/s · 3 min 5 s left',
  );
});

test('leaves out what the server or runtime did not say', () => {
  expect(describeTransfer({ fraction: Number.NaN, loadedBytes: 1500 })).toBe('1.5 kB');
  expect(describeTransfer({ fraction: 0.5, text: 'Loading weights' })).toBe('Loading weights (50%)');
  expect(describeTransfer({ fraction: 1 })).toBe('100%');
  expect(describeTransfer({ fraction: Number.NaN })).toBe('Starting');
  expect(describeTransfer({ fraction: 0.2, loadedBytes: 10, bytesPerSecond: 0, etaSeconds: Number.POSITIVE_INFINITY })).toBe('10 B (20%)');
});
