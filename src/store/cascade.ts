// Removing events takes everything derived from them along, in the caller's transaction: their vectors and
// postings are tombstoned, memories drop the links to them (a memory whose every source is gone goes too, unless
// the user pinned it), a summary written from them is marked stale (to be written again without them), a message
// whose vector carried a deleted message as context is embedded again, and the stats shrink. One rule for delete,
// range delete and retention.
import { CONTEXT_WEIGHTS } from '../core/conversation-context';
import type { HistoryEvent } from '../core/history-event';
import { describeChange, type StoreChange } from './change-feed';
import type { WriteTx } from './connection';
import { requeueContextFollowers } from './conversation-order';
import { readStats, writeStats } from './stats';

export type CascadeStores = 'events' | 'segments' | 'tombstones' | 'memories' | 'profile';

export interface CascadeResult {
  deleted: string[];
  /** Memories that lost a source and keep others (or are pinned: those stay, marked in their history). */
  memoriesUnlinked: string[];
  /** Memories whose every source was deleted: forgotten with them. */
  memoriesDeleted: string[];
  /** Whether the profile summary was written from a deleted event (it is now marked stale). */
  summaryStale: boolean;
}

export function nothingRemoved(): CascadeResult {
  return { deleted: [], memoriesUnlinked: [], memoriesDeleted: [], summaryStale: false };
}

export async function removeEvents(
  tx: WriteTx<CascadeStores>,
  events: readonly HistoryEvent[],
  now: number,
  changes: StoreChange[],
): Promise<CascadeResult> {
  if (events.length === 0) return nothingRemoved();
  const eventStore = tx.objectStore('events');
  let bytes = 0;
  for (const event of events) {
    bytes += event.bytes;
    await eventStore.delete(event.id);
  }
  const stats = await readStats(tx);
  await writeStats(tx, { events: stats.events - events.length, bytes: stats.bytes - bytes });
  await requeueContextFollowers(tx, events, CONTEXT_WEIGHTS.length, changes);

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
  const forgotten = new Set<string>();
  for (const id of ids) {
    for (const memory of await memories.index('by-source').getAll(id)) {
      if (unlinked.has(memory.id) || forgotten.has(memory.id)) continue;
      const current = (await memories.get(memory.id)) ?? memory;
      const sourceEventIds = current.sourceEventIds.filter((source) => !ids.has(source));
      if (sourceEventIds.length === 0 && !current.pinned) {
        forgotten.add(memory.id);
        await memories.delete(memory.id);
        continue;
      }
      unlinked.add(memory.id);
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

  const profiles = tx.objectStore('profile');
  let summaryStale = false;
  for (const profile of await profiles.getAll()) {
    const summary = profile.summary;
    if (!summary?.sourceEventIds.some((source) => ids.has(source))) continue;
    summaryStale = true;
    await profiles.put({
      ...profile,
      summary: { ...summary, sourceEventIds: summary.sourceEventIds.filter((source) => !ids.has(source)), staleSince: now },
      updatedAt: now,
    });
    changes.push(describeChange('profile', 'put', [profile.id]));
  }

  const deleted = [...ids];
  changes.push(describeChange('events', 'delete', deleted));
  if (spaces.length > 0) changes.push(describeChange('tombstones', 'put', deleted));
  if (unlinked.size > 0) changes.push(describeChange('memories', 'put', [...unlinked]));
  if (forgotten.size > 0) changes.push(describeChange('memories', 'delete', [...forgotten]));
  return { deleted, memoriesUnlinked: [...unlinked], memoriesDeleted: [...forgotten], summaryStale };
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
