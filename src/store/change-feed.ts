// Every committed write is announced on a BroadcastChannel, so other tabs and workers holding their own connection
// (an index, a profile view) can catch up without polling. Listeners in this context hear it too.
import type { PersonaStoreName } from './schema';

export type ChangeOp = 'put' | 'delete' | 'clear';

export interface StoreChange {
  store: PersonaStoreName;
  op: ChangeOp;
  /** Keys touched, when few enough to list; absent means "reload this store". */
  ids?: string[];
}

export interface ChangeMessage {
  /** Database name: several Persona databases may share an origin (tests, multiple profiles). */
  db: string;
  /** Monotonic per database, committed with the write: a listener that sees a gap knows it missed a message. */
  seq: number;
  /** Which connection wrote it. */
  origin: string;
  changes: StoreChange[];
  /**
   * Special events: the database was wiped or imported; its content was sealed ('locked': drop everything held in
   * memory) or restored ('unlocked': reload).
   */
  lifecycle?: 'wiped' | 'imported' | 'locked' | 'unlocked';
}

export type ChangeListener = (message: ChangeMessage) => void;

// Beyond this many keys a change says "reload" instead of listing them: messages stay small at 100k-event batches.
const MAX_LISTED_IDS = 1_000;

export function describeChange(store: PersonaStoreName, op: ChangeOp, ids?: readonly string[]): StoreChange {
  return ids && ids.length <= MAX_LISTED_IDS ? { store, op, ids: [...ids] } : { store, op };
}

/** The BroadcastChannel a database's changes travel on; `channelKey` is StoreConnection.channelKey. */
export function changeChannel(channelKey: string): BroadcastChannel {
  return new BroadcastChannel(`persona-changes:${channelKey}`);
}

export class ChangeFeed {
  readonly #channel: BroadcastChannel;
  readonly #listeners = new Set<ChangeListener>();

  /** `channelKey`: the database's name, qualified by its storage bucket (StoreConnection.channelKey). */
  constructor(channelKey: string) {
    this.#channel = changeChannel(channelKey);
    this.#channel.onmessage = (event: MessageEvent<ChangeMessage>) => {
      this.#deliver(event.data);
    };
  }

  publish(message: ChangeMessage): void {
    this.#channel.postMessage(message);
    this.#deliver(message);
  }

  /** Delivers to this context's listeners only: news about this tab alone (it was handed the lock's key). */
  deliverHere(message: ChangeMessage): void {
    this.#deliver(message);
  }

  subscribe(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    this.#listeners.clear();
    this.#channel.close();
  }

  #deliver(message: ChangeMessage): void {
    for (const listener of this.#listeners) {
      try {
        listener(message);
      } catch (error) {
        // A faulty listener must not stop the others or the writer.
        console.error('Persona change listener failed', error);
      }
    }
  }
}
