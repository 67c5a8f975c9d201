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

  /** Reads the next page unless one is being read or all are loaded; resolves once the rows include it. */
  more(): Promise<void> {
    if (this.#complete) return Promise.resolve();
    if (this.#reading) return this.#reading;
    const reading = this.#readPage().finally(() => {
      if (this.#reading === reading) this.#reading = undefined;
    });
    this.#reading = reading;
    return reading;
  }

  /**
   * Reads again what is loaded (at least a page, at most MAX_REFRESH rows), after writes that may have added rows
   * anywhere in it; rows beyond that are let go and load again on scrolling.
   */
  async refresh(): Promise<void> {
    const generation = ++this.#generation;
    this.#reading = undefined;
    const limit = Math.min(Math.max(this.#rows.length, this.pageSize), MAX_REFRESH);
    const page = await this.list({ ...this.filter, limit });
    if (generation !== this.#generation) return;
    this.#rows = page.events;
    this.#next = page.next;
    this.#complete = page.next === undefined;
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

  async #readPage(): Promise<void> {
    const generation = this.#generation;
    const page = await this.list({ ...this.filter, limit: this.pageSize, ...(this.#next ? { after: this.#next } : {}) });
    if (generation !== this.#generation) return;
    this.#rows = [...this.#rows, ...page.events];
    this.#next = page.next;
    this.#complete = page.next === undefined;
  }
}
