// One open Persona database: the idb connection, the change feed, and the single write path every module uses,
// so that each write is one transaction, is announced after it commits, and fails with a named error.
import type { IDBPDatabase, IDBPObjectStore, IDBPTransaction, StoreNames } from 'idb';
import { DEFAULT_EVENT_LIMITS, type EventLimits } from '../core/event-validation';
import { LockedError, PersonaError, QuotaExceededStorageError, StoreClosedError, StoreVersionError } from '../core/errors';
import { wordsTokenizer, type Tokenizer } from '../core/tokenizer';
import { ChangeFeed, type ChangeMessage, type StoreChange } from './change-feed';
import { LATEST_VERSION, migrate } from './migrations';
import { openDatabase } from './open-database';
import type { FieldSeal } from './lock/field-seal';
import { sealingView, type SealingMode } from './lock/sealing-view';
import { LOCKED_STORES, type MetaRecord, type PersonaDB, type PersonaStoreName } from './schema';
import { StorageBudget } from './storage-budget';
import { openStoragePlace, type StorageBucketOptions, type StoragePlace } from './storage-place';

export type CloseReason = 'versionchange' | 'terminated' | 'closed';

export interface StoreOptions {
  /** IndexedDB database name; one name is one user's data. Default 'persona'. */
  name?: string;
  /** Keep the database in this Storage Bucket (with its own quota) instead of the origin's default storage. */
  storage?: StorageBucketOptions;
  /** Schema version to open; only tests open an older one. Default: the latest. */
  version?: number;
  limits?: Partial<EventLimits>;
  /** Milliseconds since the epoch; injectable for tests. */
  clock?: () => number;
  newId?: () => string;
  /**
   * Tokenizer whose keyword postings record() writes with each event, in the same transaction; null turns keyword
   * indexing off. Default: the words tokenizer.
   */
  tokenizer?: Tokenizer | null;
  /** Called once when this connection closes, e.g. because another tab is upgrading the database. */
  onClose?: (reason: CloseReason) => void;
}

/**
 * Any transaction that includes the stores S (and meta), whatever else it spans: helpers state the stores they
 * need, and the compiler checks each caller's transaction covers them.
 */
export interface TxWith<S extends PersonaStoreName, M extends IDBTransactionMode = 'readwrite'> {
  objectStore<N extends S | 'meta'>(name: N): IDBPObjectStore<PersonaDB, ArrayLike<StoreNames<PersonaDB>>, N, M>;
}

export type WriteTx<S extends PersonaStoreName> = TxWith<S>;

export class StoreConnection {
  readonly origin = crypto.randomUUID();
  readonly feed: ChangeFeed;
  readonly limits: EventLimits;
  readonly clock: () => number;
  readonly newId: () => string;
  readonly tokenizer: Tokenizer | null;
  #closed: CloseReason | undefined;
  readonly #releases: (() => void)[] = [];
  /** Set while the lock changes form and has had to try again (see pauseContentWrites). */
  #paused: Promise<void> | undefined;
  /**
   * Whether the content is sealed, as last seen: reads check it (they cannot wait for IndexedDB before returning a
   * transaction); every write re-reads the lock record inside its own transaction, so no write can race a lock.
   */
  #locked = false;
  /** A lock is set up (its record exists), as last seen: its content is then sealed at rest, field by field. */
  #lockEnabled = false;
  /** The lock's field key, held while this tab has unlocked (lock-store.ts): what opens and seals content. */
  #fieldSeal: FieldSeal | undefined;

  /** Names this database in cross-tab channels and locks (see StoragePlace.channelKey). */
  readonly channelKey: string;
  /** Refuses writes that add data once usage nears the quota (see storage-budget.ts). */
  readonly #budget: StorageBudget;
  /** Writes wait for the budget in call order, so their transactions are still created in the order of the calls. */
  #admitted: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly db: IDBPDatabase<PersonaDB>,
    readonly name: string,
    /** Where the database lives: the origin's default storage or a bucket. */
    readonly place: StoragePlace,
    options: StoreOptions,
    private readonly onClose: ((reason: CloseReason) => void) | undefined,
  ) {
    this.channelKey = place.channelKey(name);
    this.#budget = new StorageBudget(place);
    this.feed = new ChangeFeed(this.channelKey);
    this.limits = { ...DEFAULT_EVENT_LIMITS, ...options.limits };
    this.clock = options.clock ?? Date.now;
    this.newId = options.newId ?? (() => crypto.randomUUID());
    this.tokenizer = options.tokenizer === undefined ? wordsTokenizer : options.tokenizer;
    // Another tab or worker that locks or unlocks announces it; this connection's own announcements arrive too.
    this.feed.subscribe((message) => {
      if (message.lifecycle === 'locked' || message.lifecycle === 'unlocked') this.#locked = message.lifecycle === 'locked';
      if (message.lifecycle === 'locked' || message.lifecycle === 'wiped') this.holdKey(undefined);
      if (message.lifecycle === 'wiped') this.#lockEnabled = false;
      for (const change of message.changes) {
        if (change.store !== 'meta' || change.ids?.includes('lock') !== true) continue;
        // A put of the lock record comes only from enabling or changing it; a delete turns it off.
        if (change.op === 'put') this.#lockEnabled = true;
        else {
          this.#lockEnabled = false;
          this.holdKey(undefined);
        }
      }
    });
  }

  static async open(options: StoreOptions = {}): Promise<StoreConnection> {
    const name = options.name ?? 'persona';
    const version = options.version ?? LATEST_VERSION;
    const clock = options.clock ?? Date.now;
    const place = await openStoragePlace(options.storage);
    // The callbacks below can fire only after the open resolves, when the connection object exists.
    const opened: { connection?: StoreConnection; upgradeError?: unknown } = {};
    let db: IDBPDatabase<PersonaDB>;
    try {
      db = await openDatabase(place.indexedDB, name, version, {
        upgrade(database, oldVersion, newVersion, tx) {
          // The open itself reports a failed upgrade; the transaction's own promise would only be an unhandled copy.
          tx.done.catch(() => undefined);
          // A failed step aborts the versionchange transaction: the database stays as it was, at its old version.
          migrate(database, tx, oldVersion, newVersion ?? version, clock()).catch((error: unknown) => {
            opened.upgradeError = error;
            tx.abort();
          });
        },
        // Another tab wants to upgrade or delete the database: step aside at once so it is not blocked.
        blocking() {
          opened.connection?.close('versionchange');
        },
        terminated() {
          opened.connection?.markClosed('terminated');
        },
      });
    } catch (error) {
      if (opened.upgradeError instanceof Error) throw opened.upgradeError;
      if (error instanceof DOMException && error.name === 'VersionError') {
        const found = (await place.indexedDB.databases()).find((info) => info.name === name)?.version;
        throw new StoreVersionError(found ?? Number.NaN, LATEST_VERSION);
      }
      throw error;
    }
    const connection = new StoreConnection(db, name, place, options, options.onClose);
    opened.connection = connection;
    const lock = await db.get('meta', 'lock');
    connection.#lockEnabled = lock?.key === 'lock';
    connection.#locked = lock?.key === 'lock' && lock.locked;
    return connection;
  }

  get closed(): boolean {
    return this.#closed !== undefined;
  }

  /**
   * Runs `work` in one readwrite transaction over `stores` (plus meta, which numbers the change) and resolves only
   * after the transaction commits. If `work` throws, the transaction is aborted and nothing of it is kept.
   * `work` must await only IndexedDB requests, or the transaction commits early.
   */
  async write<S extends PersonaStoreName, T>(
    stores: readonly S[],
    work: (tx: WriteTx<S>, changes: StoreChange[]) => Promise<T>,
    /** Marks the announcement, e.g. 'imported': listeners then reload rather than apply the change piecemeal. */
    lifecycle?: ChangeMessage['lifecycle'],
    options: {
      /** Only the lock itself writes sealed stores while they are locked. */
      whileLocked?: boolean;
      /**
       * The write frees space or rewrites what is there without adding data (deletions, retention, the lock, index
       * upkeep): it skips the storage budget and may use the room kept for it.
       */
      usesReserve?: boolean;
      /** About how many bytes the write adds, for the storage budget (default 0: a small write). */
      adds?: number;
      /** Work the user did not ask for just now (vectors): the budget stops it further from the quota. */
      background?: boolean;
    } = {},
  ): Promise<T> {
    const names = [...new Set<S | 'meta'>([...stores, 'meta'])];
    const gated = options.whileLocked !== true && touchesLocked(stores);
    if (gated && this.locked) throw new LockedError();
    while (gated && this.#paused) await this.#paused;
    const admitted = this.#admitted.then(() => (options.usesReserve === true ? undefined : this.#budget.check(options.adds, options.background)));
    this.#admitted = admitted.catch(() => undefined);
    await admitted;
    const mode: SealingMode = { seal: this.#fieldSeal, sealWrites: false };
    const raw = this.#transaction(names, 'readwrite');
    const tx = gated ? sealingView(raw, mode) : raw;
    const changes: StoreChange[] = [];
    let result: T;
    let seq: number;
    try {
      if (gated) {
        const lock = await tx.objectStore('meta').get('lock');
        this.#lockEnabled = lock?.key === 'lock';
        if (lock?.key === 'lock') {
          this.#locked = lock.locked;
          // Sealed, or this tab has no key to seal with: nothing may be written in plain form.
          if (lock.locked || !this.#fieldSeal || this.#fieldSeal.verifier !== lock.verifier) {
            throw new LockedError(lock.locked ? undefined : 'this tab has not unlocked the data');
          }
          // The key as of now (a wiped one refuses to seal, so the transaction aborts rather than seal under zeros).
          mode.seal = this.#fieldSeal;
          mode.sealWrites = true;
        }
      }
      result = await work(tx, changes);
      const meta = tx.objectStore('meta');
      const previous = await meta.get('changes');
      seq = (previous?.key === 'changes' ? previous.seq : 0) + 1;
      await meta.put({ key: 'changes', seq });
      await raw.done;
    } catch (error) {
      try {
        raw.abort();
      } catch {
        // Already finished or aborted by the browser (quota): nothing more to undo.
      }
      await raw.done.catch(() => undefined);
      throw storageError(error, this.#closed);
    }
    if (changes.length > 0 || lifecycle) this.announce({ seq, changes, ...(lifecycle ? { lifecycle } : {}) });
    return result;
  }

  /** A readonly transaction; reads never need the write path's bookkeeping. */
  read<S extends PersonaStoreName>(stores: readonly S[]): TxWith<S, 'readonly'> & { done: Promise<void> } {
    if (!touchesLocked(stores)) return this.#transaction([...stores], 'readonly');
    if (this.locked) throw new LockedError();
    // Sealed records are opened with the key; one met without it (a lock this tab has not heard of yet) is LockedError.
    return sealingView(this.#transaction([...stores], 'readonly'), { seal: this.#fieldSeal, sealWrites: false });
  }

  /**
   * The content is unreadable here: sealed whole (locked), or sealed field by field while this tab holds no key (it
   * opened after the unlock and no other tab handed it the key; see lock-store.ts).
   */
  get locked(): boolean {
    return this.#locked || (this.#lockEnabled && !this.#fieldSeal);
  }

  /** A lock is set up and not locked, but this tab holds no key: another tab that has unlocked can hand it over. */
  get needsKey(): boolean {
    return this.#lockEnabled && !this.#locked && !this.#fieldSeal;
  }

  /** Set by the lock in the same turn as its transaction commits, before its announcement reaches anyone. */
  markLocked(locked: boolean, enabled = true): void {
    this.#locked = locked;
    this.#lockEnabled = enabled;
    if (locked) this.holdKey(undefined);
  }

  /**
   * `value` as it may rest in `store` under `lock` (the lock record, read in the writing transaction): sealed field
   * by field while the lock is on, for writes that bypass the write path (the import's staging rows). Locked, or
   * without the key, LockedError.
   */
  atRest<V>(store: 'staging', value: V, lock: MetaRecord | undefined): V {
    if (lock?.key !== 'lock') return value;
    if (lock.locked || this.#fieldSeal?.verifier !== lock.verifier) throw new LockedError(lock.locked ? undefined : 'this tab has not unlocked the data');
    return this.#fieldSeal.seal(store, value) as V;
  }

  /**
   * Content writes from this connection wait until the returned function is called (the lock's change of form, on
   * its retries, so this tab's own background writes cannot keep making its snapshot stale).
   */
  pauseContentWrites(): () => void {
    let resume: () => void = () => undefined;
    const paused = new Promise<void>((resolve) => {
      resume = resolve;
    });
    this.#paused = paused;
    return () => {
      if (this.#paused === paused) this.#paused = undefined;
      resume();
    };
  }

  /** The lock's field key while this tab has unlocked; undefined forgets it. */
  holdKey(seal: FieldSeal | undefined): void {
    if (this.#fieldSeal && this.#fieldSeal !== seal) this.#fieldSeal.wipe();
    this.#fieldSeal = seal;
  }

  announce(message: Omit<ChangeMessage, 'db' | 'origin'>): void {
    this.feed.publish({ db: this.name, origin: this.origin, ...message });
  }

  close(reason: CloseReason = 'closed'): void {
    if (this.#closed) return;
    this.db.close();
    this.markClosed(reason);
  }

  /** Runs `release` once when this connection closes (channels that live as long as it does). */
  whenClosed(release: () => void): void {
    if (this.#closed) release();
    else this.#releases.push(release);
  }

  private markClosed(reason: CloseReason): void {
    if (this.#closed) return;
    this.#closed = reason;
    this.feed.close();
    for (const release of this.#releases.splice(0)) release();
    this.onClose?.(reason);
  }

  #transaction<M extends IDBTransactionMode>(names: StoreNames<PersonaDB>[], mode: M): IDBPTransaction<PersonaDB, StoreNames<PersonaDB>[], M> {
    if (this.#closed) throw new StoreClosedError(closeText(this.#closed));
    try {
      return this.db.transaction(names, mode);
    } catch (error) {
      throw storageError(error, this.#closed);
    }
  }
}

function touchesLocked(stores: readonly PersonaStoreName[]): boolean {
  return stores.some((store) => (LOCKED_STORES as readonly string[]).includes(store));
}

function closeText(reason: CloseReason): string {
  if (reason === 'versionchange') return 'another tab is upgrading or deleting the database';
  if (reason === 'terminated') return 'the browser closed the database';
  return 'it was closed';
}

/** Maps the browser's storage failures to Persona's named errors; Persona's own errors pass through. */
export function storageError(error: unknown, closed?: CloseReason): unknown {
  if (error instanceof PersonaError) return error;
  if (error instanceof DOMException || (error instanceof Error && 'name' in error)) {
    const name = (error as { name: string }).name;
    if (name === 'QuotaExceededError') return new QuotaExceededStorageError({ cause: error });
    if (name === 'InvalidStateError' && closed) return new StoreClosedError(closeText(closed));
  }
  return error;
}
