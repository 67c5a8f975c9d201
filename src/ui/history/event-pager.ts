// The timeline's window onto a history that may hold 100,000 events: pages are read as the person scrolls towards
// the end of what is loaded, never the whole history at once. Reads may finish out of order (a scroll's page, then a
// refresh after another tab's write); only reads started since the last reset or refresh may change the rows.
import type { HistoryEvent } from '../../core/history-event';
import type { EventPage, EventQuery } from '../../store/events';

export type EventFilter = Pick<EventQuery, 'kind' | 'source' | 'from' | 'to'>;
export type ListEvents = (query: EventQuery) => Promise<EventPage>;

export const PAGE_SIZE = 100;
/** The store's largest page: a refresh reads at most this many rows again. */
export const MAX_REFRESH = 10_000;

export class EventPager {
  #rows: readonly HistoryEvent[] = [];
  #next: EventPage['next'];
  #complete = false;
  #generation = 0;
  #reading: Promise<void> | undefined;

  constructor(
    private readonly list: ListEvents,
    readonly filter: EventFilter = {},
    private readonly pageSize = PAGE_SIZE,
  ) {}

  /** The loaded rows, newest first; a new array after every change, so views see the change. */
  get rows(): readonly HistoryEvent[] {
    return this.#rows;
  }

  /** Whether every event matching the filter is loaded. */
  get complete(): boolean {
    return this.#complete;
  }

  /** Reads the next page unless a read is under way or all are loaded; resolves once the rows include it. */
  more(): Promise<void> {
    if (this.#reading) return this.#reading;
    if (this.#complete) return Promise.resolve();
    return this.#track(this.#readPage());
  }

  /**
   * Reads again what is loaded (at least a page, at most MAX_REFRESH rows), after writes that may have added rows
   * anywhere in it; rows beyond that are let go and load again on scrolling.
   */
  refresh(): Promise<void> {
    const generation = ++this.#generation;
    const limit = Math.min(Math.max(this.#rows.length, this.pageSize), MAX_REFRESH);
    return this.#track(
      this.list({ ...this.filter, limit }).then((page) => {
        if (generation !== this.#generation) return;
        this.#rows = page.events;
        this.#next = page.next;
        this.#complete = page.next === undefined;
      }),
    );
  }

  /** The read under way, which a request for more waits for rather than reading the same page twice. */
  #track(read: Promise<void>): Promise<void> {
    const reading = read.finally(() => {
      if (this.#reading === reading) this.#reading = undefined;
    });
    this.#reading = reading;
    return reading;
  }

  /** Drops deleted rows without reading anything. */
  remove(ids: ReadonlySet<string>): boolean {
    const kept = this.#rows.filter((event) => !ids.has(event.id));
    if (kept.length === this.#rows.length) return false;
    this.#rows = kept;
    return true;
  }

  /** Puts newer versions of loaded rows in their place (e.g. their embedding finished); returns the ids not loaded. */
  replace(events: readonly HistoryEvent[]): string[] {
    const byId = new Map(events.map((event) => [event.id, event]));
    const missing = new Set(byId.keys());
    this.#rows = this.#rows.map((row) => {
      const newer = byId.get(row.id);
      if (!newer) return row;
      missing.delete(row.id);
      return newer;
    });
    return [...missing];
  }

  /**
   * Whether events written elsewhere belong among the loaded rows but are not there (new events, not embedding
   * updates of rows further back than anyone has scrolled): then the rows must be read again.
   */
  misses(events: readonly HistoryEvent[]): boolean {
    const loaded = new Set(this.#rows.map((row) => row.id));
    const oldest = this.#complete ? -Infinity : (this.#rows.at(-1)?.ts ?? Infinity);
    return events.some((event) => !loaded.has(event.id) && event.ts >= oldest && matches(event, this.filter));
  }

  async #readPage(): Promise<void> {
    const generation = this.#generation;
    const page = await this.list({ ...this.filter, limit: this.pageSize, ...(this.#next ? { after: this.#next } : {}) });
    if (generation !== this.#generation) return;
    this.#rows = [...this.#rows, ...page.events];
    this.#next = page.next;
    this.#complete = page.next === undefined;
  }
}

function matches(event: HistoryEvent, filter: EventFilter): boolean {
  return (
    (filter.kind === undefined || event.kind === filter.kind) &&
    (filter.source === undefined || event.source === filter.source) &&
    (filter.from === undefined || event.ts >= filter.from) &&
    (filter.to === undefined || event.ts <= filter.to)
  );
}
