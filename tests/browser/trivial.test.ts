import { expect, test } from 'vitest';
test('trivial', () => { expect(crossOriginIsolated).toBe(true); });
