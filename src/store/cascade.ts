// Removing events takes everything derived from them along, in the caller's transaction: their vectors and
// postings are tombstoned, memories drop the links to them, and the stats shrink. One rule for delete, range
// delete and retention.
import type { HistoryEvent } from '../core/history-event';
import { describeChange, type StoreChange } from './change-feed';
import type { WriteTx } from './connection';
import { readStats, writeStats } from './stats';

export type CascadeStores = 'events' | 'segments' | 'tombstones' | 'memories';

export interface CascadeResult {
  deleted: string[];
  /** Memories that lost a source; a memory left with none stays, marked in its history, for the user to judge. */
  memoriesUnlinked: string[];
}

export async function removeEvents(
  tx: WriteTx<CascadeStores>,
  events: readonly HistoryEvent[],
  now: number,
  changes: StoreChange[],
): Promise<CascadeResult> {
  if (events.length === 0) return { deleted: [], memoriesUnlinked: [] };
  const eventStore = tx.objectStore('events');
  let bytes = 0;
  for (const event of events) {
    bytes += event.bytes;
    await eventStore.delete(event.id);
  }
  const stats = await readStats(tx);
  await writeStats(tx, { events: stats.events - events.length, bytes: stats.bytes - bytes });

  // Tombstone the ids in every space that has segments: a tombstone is cheap, and finding which segment holds an
  // id would mean reading megabytes of vectors.
  const spaces = await spacesOf(tx);
  const lastSeq = await lastSegmentSeq(tx);
  const tombstones = tx.objectStore('tombstones');
  for (const space of spaces) {
    for (const event of events) await tombstones.put({ space, id: event.id, seq: lastSeq });
  }

  const ids = new Set(events.map((e) => e.id));
  const memories = tx.objectStore('memories');
  const unlinked = new Set<string>();
  for (const id of ids) {
    for (const memory of await memories.index('by-source').getAll(id)) {
      if (unlinked.has(memory.id)) continue;
      unlinked.add(memory.id);
      const current = (await memories.get(memory.id)) ?? memory;
      const sourceEventIds = current.sourceEventIds.filter((source) => !ids.has(source));
      await memories.put({
        ...current,
        sourceEventIds,
        updatedAt: now,
        history: [
          ...current.history,
          { at: now, text: current.text, confidence: current.confidence, pinned: current.pinned, by: 'system', reason: 'source deleted' },
        ],
      });
    }
  }

  const deleted = [...ids];
  changes.push(describeChange('events', 'delete', deleted));
  if (spaces.length > 0) changes.push(describeChange('tombstones', 'put', deleted));
  if (unlinked.size > 0) changes.push(describeChange('memories', 'put', [...unlinked]));
  return { deleted, memoriesUnlinked: [...unlinked] };
}

/** Distinct spaces with at least one segment, read from the index keys alone. */
export async function spacesOf(tx: WriteTx<'segments'>): Promise<string[]> {
  const spaces: string[] = [];
  const index = tx.objectStore('segments').index('by-space');
  for (let cursor = await index.openKeyCursor(null, 'nextunique'); cursor; cursor = await cursor.continue()) {
    spaces.push(cursor.key);
  }
  return spaces;
}

export async function lastSegmentSeq(tx: WriteTx<'segments'>): Promise<number> {
  const cursor = await tx.objectStore('segments').openKeyCursor(null, 'prev');
  return cursor?.key ?? 0;
}
