// The History view's words for deletions, the embedder's state and date ranges.
import { describe, expect, test } from 'vitest';
import { describeCascade } from '../../../src/ui/history/cascade-words';
import { dayRange } from '../../../src/ui/history/day-range';
import { describeIntelligence } from '../../../src/ui/history/intelligence-words';

describe('describeCascade', () => {
  test('names the events, the memories that went with them and the summary', () => {
    expect(describeCascade({ deleted: ['a', 'b'], memoriesDeleted: ['m'], memoriesUnlinked: [], summaryStale: true })).toBe(
      '2 events deleted; 1 memory that came only from them was deleted too; your summary will be rewritten without them.',
    );
    expect(describeCascade({ deleted: ['a'], memoriesDeleted: ['m', 'n'], memoriesUnlinked: ['o'], summaryStale: false })).toBe(
      '1 event deleted; 2 memories that came only from it were deleted too; 1 memory no longer cites it.',
    );
  });

  test('a deletion that found nothing says so', () => {
    expect(describeCascade({ deleted: [], memoriesDeleted: [], memoriesUnlinked: [], summaryStale: false })).toBe('Nothing was deleted: those events were already gone.');
  });
});

describe('describeIntelligence', () => {
  test('loading, failed and ready, with what is still waiting', () => {
    expect(describeIntelligence(undefined)).toBe('Loading the offline model that lets you search by meaning…');
    expect(describeIntelligence({ phase: 'failed', embedded: 0, pending: 2, problem: 'no WebAssembly' })).toBe(
      'Search by meaning is unavailable: no WebAssembly. Keyword search still works.',
    );
    expect(describeIntelligence({ phase: 'ready', model: 'm:q8', embedded: 1, pending: 0 })).toBe('Offline model ready (m:q8): 1 event understood. Nothing leaves this device.');
    expect(describeIntelligence({ phase: 'ready', model: 'm:q8', embedded: 3, pending: 2 })).toBe('Offline model ready (m:q8): 3 events understood, 2 waiting. Nothing leaves this device.');
  });
});

describe('dayRange', () => {
  test('covers whole local days, either side open when empty', () => {
    const range = dayRange('2026-03-01', '2026-03-02');
    expect(range.from).toBe(new Date(2026, 2, 1).getTime());
    expect(range.to).toBe(new Date(2026, 2, 3).getTime() - 1);
    expect(dayRange('', '2026-03-02')).toEqual({ to: new Date(2026, 2, 3).getTime() - 1 });
    expect(dayRange('', '')).toEqual({});
    expect(dayRange('not a day', '')).toEqual({});
  });
});
