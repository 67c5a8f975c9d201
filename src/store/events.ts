// The interaction history: recording (validated, batched, idempotent by id), reading, and deleting with cascade.
import { validateBatch } from '../core/event-validation';
import type { EventKind, HistoryEvent, HistoryEventInput } from '../core/history-event';
import { InvalidInputError } from '../core/errors';
import { removeEvents, type CascadeResult } from './cascade';
import { describeChange } from './change-feed';
import type { StoreConnection } from './connection';
import { previousMessages } from './conversation-order';
import { writePostings } from './segments';
import { readStats, writeStats } from './stats';

export interface EventQuery {
  kind?: EventKind;
  source?: string;
  /** Inclusive lower bound on ts. */
  from?: number;
  /** Inclusive upper bound on ts. */
  to?: number;
  /** Newest first unless 'asc'. */
  order?: 'asc' | 'desc';
  limit?: number;
  /** Continue after this event (the last one of the previous page). */
  after?: { id: string; ts: number };
}

export interface EventPage {
  events: HistoryEvent[];
  /** Pass as `after` for the next page; absent on the last page. */
  next?: { id: string; ts: number };
}

export interface RangeDeletion {
  from?: number;
  to?: number;
  kind?: EventKind;
  source?: string;
}

const MAX_PAGE = 10_000;

/**
 * What storing an event costs on disk per byte of its own (text and fields), for the storage budget: its record, its
 * keyword postings and the indexes over both came to about twice its size in Chromium.
 */
const RECORD_OVERHEAD = 2;

export class EventLog {
  constructor(private readonly connection: StoreConnection) {}

  /**
   * Stores one event or a batch in a single transaction and resolves after it commits. The whole batch is validated
   * first: one invalid event rejects all of them. An event whose id is already stored is left as it is and returned
   * as stored, so replaying a batch after a crash records nothing twice.
   */
  record(input: HistoryEventInput): Promise<HistoryEvent>;
  record(inputs: readonly HistoryEventInput[]): Promise<HistoryEvent[]>;
  async record(input: HistoryEventInput | readonly HistoryEventInput[]): Promise<HistoryEvent | HistoryEvent[]> {
    const single = !Array.isArray(input);
    const inputs: readonly unknown[] = single ? [input] : (input as readonly unknown[]);
    const { clock, newId, limits } = this.connection;
    const events = validateBatch(inputs, { now: clock(), newId, limits });
    if (events.length === 0) return [];
    const tokenizer = this.connection.tokenizer;
    const stored = await this.connection.write(['events', 'segments'], async (tx, changes) => {
      const store = tx.objectStore('events');
      // Requests are issued together and awaited once: IndexedDB pipelines them within the transaction, where
      // awaiting each in turn would cost an event-loop round trip per event.
      const existing = await Promise.all(events.map((event) => store.get(event.id)));
      const result: HistoryEvent[] = [];
      const added: HistoryEvent[] = [];
      events.forEach((event, i) => {
        const stored = existing[i];
        result.push(stored ?? event);
        if (!stored) added.push(event);
      });
      await Promise.all(added.map((event) => store.add(event)));
      const bytes = added.reduce((sum, event) => sum + event.bytes, 0);
      if (added.length > 0) {
        const stats = await readStats(tx);
        await writeStats(tx, { events: stats.events + added.length, bytes: stats.bytes + bytes });
        changes.push(describeChange('events', 'put', added.map((event) => event.id)));
        // Keyword postings commit with their events: the keyword index never misses or invents an event.
        if (tokenizer) {
          const documents = added.map((event) => ({
            id: event.id,
            terms: tokenizer.termFrequencies(event.text),
            facets: { ts: event.ts, kind: event.kind, source: event.source },
          }));
          await writePostings(tx, tokenizer.id, documents, { now: this.connection.clock(), changes });
        }
      }
      return result;
    }, undefined, { adds: RECORD_OVERHEAD * events.reduce((sum, event) => sum + event.bytes, 0) });
    return single ? (stored[0] as HistoryEvent) : stored;
  }

  async get(id: string): Promise<HistoryEvent | undefined> {
    return this.connection.read(['events']).objectStore('events').get(id);
  }

  /** The events with these ids, in the same order; undefined where an id is not stored. */
  async getMany(ids: readonly string[]): Promise<(HistoryEvent | undefined)[]> {
    const store = this.connection.read(['events']).objectStore('events');
    return Promise.all(ids.map((id) => store.get(id)));
  }

  /**
   * For each of `events`, the messages (nearest first) its vector carries as context (see store/conversation-order),
   * all read in one transaction.
   */
  async previousMessages(events: readonly Pick<HistoryEvent, 'sessionId' | 'ts'>[], count: number): Promise<HistoryEvent[][]> {
    const index = this.connection.read(['events']).objectStore('events').index('by-session');
    return Promise.all(events.map((event) => previousMessages(index, event, count)));
  }

  /** Visits every event in id order, `slice` per readonly transaction, so 100k events never sit in memory at once. */
  async scan(visit: (events: readonly HistoryEvent[]) => void, slice = 10_000): Promise<void> {
    let after: string | undefined;
    for (;;) {
      const range = after === undefined ? undefined : IDBKeyRange.lowerBound(after, true);
      const batch = await this.connection.read(['events']).objectStore('events').getAll(range, slice);
      visit(batch);
      if (batch.length < slice) return;
      after = batch.at(-1)?.id;
    }
  }

  async count(): Promise<number> {
    return (await readStats(this.connection.read(['meta']))).events;
  }

  async bytes(): Promise<number> {
    return (await readStats(this.connection.read(['meta']))).bytes;
  }

  /** Every source that recorded an event still in the history, sorted; one index step per source, not per event. */
  async sources(): Promise<string[]> {
    const index = this.connection.read(['events']).objectStore('events').index('by-source');
    const sources: string[] = [];
    for (let cursor = await index.openKeyCursor(); cursor; ) {
      const [source] = cursor.key;
      sources.push(source);
      // [source, []] sorts after every [source, ts] (arrays after numbers): jump straight to the next source.
      cursor = await cursor.continue([source, []] as never);
    }
    return sources;
  }

  /** One page of events in time order, filtered by kind or source and a time window. */
  async list(query: EventQuery = {}): Promise<EventPage> {
    const limit = query.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw new InvalidInputError('limit', `must be a whole number from 1 to ${MAX_PAGE}`);
    }
    const direction = query.order === 'asc' ? 'next' : 'prev';
    const from = query.from ?? 0;
    const to = query.to ?? Number.MAX_SAFE_INTEGER;
    const store = this.connection.read(['events']).objectStore('events');
    // Kind or source filters use their compound [field, ts] index; the other filter, if any, is checked per row.
    const cursorSource =
      query.kind !== undefined
        ? { index: store.index('by-kind'), range: IDBKeyRange.bound([query.kind, from], [query.kind, to]), key: (ts: number) => [query.kind, ts] }
        : query.source !== undefined
          ? { index: store.index('by-source'), range: IDBKeyRange.bound([query.source, from], [query.source, to]), key: (ts: number) => [query.source, ts] }
          : { index: store.index('by-ts'), range: IDBKeyRange.bound(from, to), key: (ts: number) => ts };
    let cursor = await cursorSource.index.openCursor(cursorSource.range, direction);
    if (cursor && query.after) {
      // Position just after the previous page's last event (ties on ts are ordered by id).
      const afterKey = cursorSource.key(query.after.ts) as never;
      const inRange = cursorSource.range.includes(afterKey);
      if (inRange) {
        cursor = await cursor.continuePrimaryKey(afterKey, query.after.id);
        if (cursor && cursor.primaryKey === query.after.id) cursor = await cursor.continue();
      }
    }
    const events: HistoryEvent[] = [];
    let more = false;
    for (; cursor; cursor = await cursor.continue()) {
      const event = cursor.value;
      if (query.source !== undefined && event.source !== query.source) continue;
      if (events.length === limit) {
        more = true;
        break;
      }
      events.push(event);
    }
    const last = events.at(-1);
    return more && last ? { events, next: { id: last.id, ts: last.ts } } : { events };
  }

  /** Deletes events by id with everything derived from them. Unknown ids are ignored. */
  async delete(ids: string | readonly string[]): Promise<CascadeResult> {
    const list = typeof ids === 'string' ? [ids] : ids;
    const now = this.connection.clock();
    return this.connection.write(['events', 'segments', 'tombstones', 'memories', 'profile'], async (tx, changes) => {
      const events: HistoryEvent[] = [];
      for (const id of new Set(list)) {
        const event = await tx.objectStore('events').get(id);
        if (event) events.push(event);
      }
      return removeEvents(tx, events, now, changes);
    }, undefined, { usesReserve: true });
  }

  /** Deletes every event in a time window (optionally of one kind or source), atomically. */
  async deleteRange(range: RangeDeletion): Promise<CascadeResult> {
    const from = range.from ?? 0;
    const to = range.to ?? Number.MAX_SAFE_INTEGER;
    if (!(from <= to)) throw new InvalidInputError('range', 'must have from ≤ to');
    const now = this.connection.clock();
    return this.connection.write(['events', 'segments', 'tombstones', 'memories', 'profile'], async (tx, changes) => {
      const events: HistoryEvent[] = [];
      const index = tx.objectStore('events').index('by-ts');
      for (let cursor = await index.openCursor(IDBKeyRange.bound(from, to)); cursor; cursor = await cursor.continue()) {
        const event = cursor.value;
        if (range.kind !== undefined && event.kind !== range.kind) continue;
        if (range.source !== undefined && event.source !== range.source) continue;
        events.push(event);
      }
      return removeEvents(tx, events, now, changes);
    }, undefined, { usesReserve: true });
  }
}
