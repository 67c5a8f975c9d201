// A conversation's messages in time order (the events' by-session index), for the context a message's vector carries
// (core/conversation-context): which message a vector took as context, and which vectors must be embedded again when
// a message is deleted, so that no trace of its text stays in the index.
import type { IDBPIndex, StoreNames } from 'idb';
import { canBeContext, takesContext } from '../core/conversation-context';
import type { HistoryEvent } from '../core/history-event';
import { describeChange, type StoreChange } from './change-feed';
import type { WriteTx } from './connection';
import type { PersonaDB } from './schema';

/** Events of a conversation looked at, from a message outwards, to find its context: clicks or empty messages may sit between. */
export const CONTEXT_LOOKBACK = 8;

type SessionIndex<M extends IDBTransactionMode> = IDBPIndex<PersonaDB, ArrayLike<StoreNames<PersonaDB>>, 'events', 'by-session', M>;

/**
 * Up to `count` messages of `event`'s conversation strictly earlier in time that can serve as its context, nearest
 * first. Messages with the same ts are simultaneous: neither is the other's context.
 */
export async function previousMessages<M extends IDBTransactionMode>(
  index: SessionIndex<M>,
  event: Pick<HistoryEvent, 'sessionId' | 'ts'>,
  count: number,
): Promise<HistoryEvent[]> {
  const found: HistoryEvent[] = [];
  if (event.sessionId === undefined || count < 1) return found;
  const range = IDBKeyRange.bound([event.sessionId, Number.NEGATIVE_INFINITY], [event.sessionId, event.ts], false, true);
  let steps = 0;
  for (let cursor = await index.openCursor(range, 'prev'); cursor && steps < CONTEXT_LOOKBACK; cursor = await cursor.continue(), steps++) {
    if (canBeContext(cursor.value) && found.push(cursor.value) === count) break;
  }
  return found;
}

/**
 * After `deleted` left the events store (in this transaction), puts back in the embedding queue every embedded
 * message whose context held one of them: the messages after it up to the `count`-th that can be context (and those
 * at that one's ts). Returns their ids.
 */
export async function requeueContextFollowers(
  tx: WriteTx<'events'>,
  deleted: readonly HistoryEvent[],
  count: number,
  changes: StoreChange[],
): Promise<string[]> {
  const index = tx.objectStore('events').index('by-session');
  const requeued = new Set<string>();
  for (const event of deleted) {
    if (!takesContext(event) || !canBeContext(event)) continue;
    const range = IDBKeyRange.bound([event.sessionId, event.ts], [event.sessionId, Number.POSITIVE_INFINITY], true, false);
    let steps = 0;
    let passed = 0;
    let lastTs = Number.POSITIVE_INFINITY;
    for (let cursor = await index.openCursor(range); cursor && steps < CONTEXT_LOOKBACK; cursor = await cursor.continue(), steps++) {
      const follower = cursor.value;
      // Past the count-th context message (and its simultaneous ones), messages look back to later ones only.
      if (passed >= count && follower.ts > lastTs) break;
      if (!takesContext(follower)) continue;
      if (follower.embedState === 'done' && !requeued.has(follower.id)) {
        // embedModel names the model of a 'done' vector; a pending event has none of record.
        const { embedModel: _replaced, ...rest } = follower;
        await cursor.update({ ...rest, embedState: 'pending' });
        requeued.add(follower.id);
      }
      if (canBeContext(follower) && ++passed === count) lastTs = follower.ts;
    }
  }
  if (requeued.size > 0) changes.push(describeChange('events', 'put', [...requeued]));
  return [...requeued];
}
