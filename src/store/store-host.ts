// The store as a worker exposes it over comlink: plain async methods with structured-cloneable arguments and
// results. The engine host of a later layer follows the same shape.
import { proxy } from 'comlink';
import type { HistoryEvent, HistoryEventInput } from '../core/history-event';
import type { ChangeListener } from './change-feed';
import type { StoreOptions } from './connection';
import type { EventPage, EventQuery } from './events';
import { PersonaStore } from './persona-store';

export class StoreHost {
  #store: PersonaStore | undefined;

  async open(options: Omit<StoreOptions, 'clock' | 'newId' | 'onClose'> = {}): Promise<void> {
    this.#store?.close();
    this.#store = await PersonaStore.open(options);
  }

  async record(inputs: HistoryEventInput[]): Promise<HistoryEvent[]> {
    return this.#open().record(inputs);
  }

  async list(query: EventQuery = {}): Promise<EventPage> {
    return this.#open().events.list(query);
  }

  async count(): Promise<number> {
    return this.#open().events.count();
  }

  /** `listener` arrives as a comlink proxy; the returned function (a proxy back) stops it. */
  subscribe(listener: ChangeListener): () => void {
    return proxy(this.#open().subscribe(listener));
  }

  close(): void {
    this.#store?.close();
    this.#store = undefined;
  }

  #open(): PersonaStore {
    if (!this.#store) throw new Error('StoreHost.open() must be called first');
    return this.#store;
  }
}
