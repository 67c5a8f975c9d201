// The embedding queue lives in the events themselves (embedState, indexed with ts): it survives reloads, and the
// worker that drains it resumes where it stopped. Vectors are written with SegmentStore.appendVectors, which marks
// their events done in the same transaction.
import type { HistoryEvent } from '../core/history-event';
import { describeChange } from './change-feed';
import type { StoreConnection } from './connection';

export class EmbeddingQueue {
  constructor(private readonly connection: StoreConnection) {}

  /** The model the history is (being) embedded with, recorded so a switch is noticed on the next start. */
  async activeModel(): Promise<{ model: string; dim: number } | undefined> {
    const record = await this.connection.read(['meta']).objectStore('meta').get('embedder');
    return record?.key === 'embedder' ? { model: record.model, dim: record.dim } : undefined;
  }

  /**
   * Makes `model` the history's model: when it differs from the recorded one, everything not embedded with it goes
   * back in the queue. Idempotent and durable, so a switch interrupted by a reload simply continues.
   */
  async switchTo(model: string, dim: number): Promise<number> {
    const record = await this.connection.read(['meta']).objectStore('meta').get('embedder');
    const current = record?.key === 'embedder' ? record : undefined;
    if (current?.model === model && current.dim === dim && current.requeued === true) return 0;
    const mark = (requeued: boolean) =>
      this.connection.write(['meta'], async (tx, changes) => {
        await tx.objectStore('meta').put({ key: 'embedder', model, dim, updatedAt: this.connection.clock(), requeued });
        changes.push(describeChange('meta', 'put', ['embedder']));
      }, undefined, { usesReserve: true });
    // Marked before and after: a requeue cut short by a reload is redone on the next start.
    await mark(false);
    const requeued = await this.requeueAllBut(model);
    await mark(true);
    return requeued;
  }

  /** The oldest events waiting for a vector. */
  async next(limit: number): Promise<HistoryEvent[]> {
    const index = this.connection.read(['events']).objectStore('events').index('by-embed');
    return index.getAll(IDBKeyRange.bound(['pending', 0], ['pending', Number.MAX_SAFE_INTEGER]), limit);
  }

  /** Events that have a vector (with whichever model embedded them). */
  async embedded(): Promise<number> {
    const index = this.connection.read(['events']).objectStore('events').index('by-embed');
    return index.count(IDBKeyRange.bound(['done', 0], ['done', Number.MAX_SAFE_INTEGER]));
  }

  async pending(): Promise<number> {
    const index = this.connection.read(['events']).objectStore('events').index('by-embed');
    return index.count(IDBKeyRange.bound(['pending', 0], ['pending', Number.MAX_SAFE_INTEGER]));
  }

  /** Puts events whose embedding failed back in the queue (a model update or a transient fault may have passed). */
  async retryFailed(): Promise<number> {
    return this.connection.write(['events'], async (tx, changes) => {
      const index = tx.objectStore('events').index('by-embed');
      const failed = await index.getAll(IDBKeyRange.bound(['failed', 0], ['failed', Number.MAX_SAFE_INTEGER]));
      await Promise.all(failed.map((event) => tx.objectStore('events').put({ ...event, embedState: 'pending' })));
      if (failed.length > 0) changes.push(describeChange('events', 'put', failed.map((e) => e.id)));
      return failed.length;
    }, undefined, { usesReserve: true });
  }

  /** Takes events out of the queue that cannot be embedded (e.g. empty text), so they do not block it. */
  async mark(ids: readonly string[], state: 'failed' | 'skipped'): Promise<void> {
    await this.connection.write(['events'], async (tx, changes) => {
      const store = tx.objectStore('events');
      const events = await Promise.all(ids.map((id) => store.get(id)));
      const updated = events.filter((e): e is HistoryEvent => e !== undefined);
      await Promise.all(updated.map((event) => store.put({ ...event, embedState: state })));
      if (updated.length > 0) changes.push(describeChange('events', 'put', updated.map((e) => e.id)));
    }, undefined, { usesReserve: true });
  }

  /**
   * Puts every event not embedded with `model` back in the queue (after a model switch, or to retry failures).
   * Done in slices so a 100k history never sits in one transaction; the queue's state is durable, so an interrupted
   * requeue simply continues next time.
   */
  async requeueAllBut(model: string, slice = 5_000): Promise<number> {
    let requeued = 0;
    let after: string | undefined;
    for (;;) {
      const range = after === undefined ? undefined : IDBKeyRange.lowerBound(after, true);
      const batch = await this.connection.read(['events']).objectStore('events').getAll(range, slice);
      if (batch.length === 0) return requeued;
      after = batch.at(-1)?.id;
      const stale = batch.filter((e) => e.embedState !== 'skipped' && (e.embedState !== 'done' || e.embedModel !== model) && e.embedState !== 'pending');
      if (stale.length > 0) {
        await this.connection.write(['events'], async (tx, changes) => {
          const store = tx.objectStore('events');
          // Re-read inside the transaction: another tab may have embedded some meanwhile.
          const current = await Promise.all(stale.map((e) => store.get(e.id)));
          const still = current.filter((e): e is HistoryEvent => e !== undefined && !(e.embedState === 'done' && e.embedModel === model));
          await Promise.all(still.map((event) => store.put({ ...event, embedState: 'pending' })));
          requeued += still.length;
          if (still.length > 0) changes.push(describeChange('events', 'put', still.map((e) => e.id)));
        }, undefined, { usesReserve: true });
      }
    }
  }
}
