// The opt-in lock: every value of the content stores sealed with AES-256-GCM under a key derived from the user's
// passphrase (passphrase-key.ts, the export's KDF). The database keeps only what re-derives and checks the key
// (salt, iterations, verifier); the key lives in this object's memory from enable/unlock until lock.
//
// Sealing cannot run inside an IndexedDB transaction (WebCrypto's promises would let it commit early), so lock and
// unlock read a snapshot, seal or open it in memory, then write it back in ONE readwrite transaction that first
// checks no write came in between (the change counter); if one did, they start over. Either every record is sealed
// and the lock record says so, or nothing changed.
import { InvalidInputError, TamperedExportError, WrongPassphraseError } from '../../core/errors';
import { describeChange } from '../change-feed';
import type { StoreConnection, WriteTx } from '../connection';
import { DEFAULT_ITERATIONS, KDF_NAME, SALT_BYTES, checkIterations, checkPassphrase, deriveKeys, sameBytes } from '../passphrase-key';
import { LOCKED_STORES, type LockRecord, type LockedStoreName } from '../schema';
import { fromBase64, toBase64 } from '../transfer/bytes';
import { decodeValue, encodeValue } from './sealed-value';

export interface LockStatus {
  /** A passphrase is set: lock() can seal the data. */
  enabled: boolean;
  /** The content is sealed at rest and unreadable until unlock(passphrase). */
  locked: boolean;
  /** This connection holds the key (after enable or unlock), so lock() needs no passphrase. */
  keyHeld: boolean;
  /** Idle time after which a tab holding the key locks by itself (ms), or null: only when asked. */
  autoLockMs: number | null;
}

/** The shortest and longest idle times the auto-lock accepts: a second (tests) to a week. */
export const AUTO_LOCK_MIN_MS = 1_000;
export const AUTO_LOCK_MAX_MS = 7 * 86_400_000;

/** What a sealed store holds in place of each value: its key (not content: ids and sequence numbers) and the box. */
interface SealedRecord {
  [keyPath: string]: IDBValidKey | Uint8Array;
  sealed: Uint8Array<ArrayBuffer>;
}

type Snapshot = { store: LockedStoreName; keyPath: string; values: readonly unknown[] }[];

const IV_BYTES = 12;
const ATTEMPTS = 5;

/** A write came in between the snapshot and the transaction that replaces it: read again. */
class SnapshotStale extends Error {}

export class LockStore {
  #key: CryptoKey | undefined;

  constructor(private readonly connection: StoreConnection) {
    // Locked or turned off from another tab: the key must not outlive the unlocked state here either.
    connection.feed.subscribe((message) => {
      const lockRemoved = message.changes.some((change) => change.store === 'meta' && change.op === 'delete' && change.ids?.includes('lock') !== false);
      if (message.lifecycle === 'locked' || message.lifecycle === 'wiped' || lockRemoved) this.#key = undefined;
    });
  }

  async status(): Promise<LockStatus> {
    const record = await this.#record();
    return {
      enabled: record !== undefined,
      locked: record?.locked === true,
      keyHeld: record !== undefined && this.#key !== undefined,
      autoLockMs: record?.autoLockMs ?? null,
    };
  }

  /**
   * Sets (or with null clears) the idle time after which the data locks by itself; the engine's IdleLock does the
   * locking. Kept in the lock record, so every tab follows it, and it goes when the lock is turned off.
   */
  async setAutoLock(idleMs: number | null): Promise<LockStatus> {
    if (idleMs !== null && !(Number.isInteger(idleMs) && idleMs >= AUTO_LOCK_MIN_MS && idleMs <= AUTO_LOCK_MAX_MS)) {
      throw new InvalidInputError('autoLockMs', `must be null or a whole number of milliseconds from ${AUTO_LOCK_MIN_MS} to ${AUTO_LOCK_MAX_MS}`);
    }
    await this.connection.write(['meta'], async (tx, changes) => {
      const record = await tx.objectStore('meta').get('lock');
      if (record?.key !== 'lock') throw new InvalidInputError('lock', 'is not enabled: enable it with a passphrase first');
      const { autoLockMs: _previous, ...rest } = record;
      await tx.objectStore('meta').put(idleMs === null ? rest : { ...rest, autoLockMs: idleMs });
      changes.push(describeChange('meta', 'put', ['lock']));
    }, undefined, { usesReserve: true });
    return this.status();
  }

  /** Sets the passphrase (the data stays unlocked; this connection keeps the key so lock() needs nothing more). */
  async enable(passphrase: string, options: { iterations?: number } = {}): Promise<LockStatus> {
    checkPassphrase(passphrase);
    const iterations = options.iterations ?? DEFAULT_ITERATIONS;
    checkIterations(iterations);
    if (await this.#record()) throw new InvalidInputError('lock', 'is already enabled: disable it first to change the passphrase');
    const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
    const { key, verifier } = await deriveKeys(passphrase, salt, iterations);
    const now = this.connection.clock();
    const record: LockRecord = { key: 'lock', kdf: KDF_NAME, iterations, salt: toBase64(salt), verifier: toBase64(verifier), locked: false, enabledAt: now, changedAt: now };
    await this.connection.write(['meta'], async (tx, changes) => {
      if (await tx.objectStore('meta').get('lock')) throw new InvalidInputError('lock', 'is already enabled: disable it first to change the passphrase');
      await tx.objectStore('meta').put(record);
      changes.push(describeChange('meta', 'put', ['lock']));
    }, undefined, { usesReserve: true });
    this.#key = key;
    return this.status();
  }

  /**
   * Seals every content value and forgets the key. The passphrase is needed only when this connection does not
   * hold the key (it opened after the last unlock). Locking locked data changes nothing.
   */
  async lock(passphrase?: string): Promise<LockStatus> {
    const record = await this.#requireRecord();
    if (record.locked) {
      this.#key = undefined;
      this.connection.markLocked(true);
      return this.status();
    }
    const key = this.#key ?? (passphrase === undefined ? undefined : await this.#check(record, passphrase));
    if (!key) throw new InvalidInputError('passphrase', 'is needed: this tab has not unlocked since it opened');
    await this.#replace(false, async (snapshot) => {
      const sealed: Snapshot = [];
      for (const { store, keyPath, values } of snapshot) {
        const boxes = await Promise.all(values.map((value) => seal(key, store, keyPath, value)));
        sealed.push({ store, keyPath, values: boxes });
      }
      return sealed;
    });
    this.#key = undefined;
    return this.status();
  }

  /** Checks the passphrase (WrongPassphraseError changes nothing), restores every value and keeps the key. */
  async unlock(passphrase: string): Promise<LockStatus> {
    const record = await this.#requireRecord();
    const key = await this.#check(record, passphrase);
    if (record.locked) {
      await this.#replace(true, async (snapshot) => {
        const opened: Snapshot = [];
        for (const { store, keyPath, values } of snapshot) {
          opened.push({ store, keyPath, values: await Promise.all(values.map((value) => open(key, store, keyPath, value))) });
        }
        return opened;
      });
    }
    this.#key = key;
    return this.status();
  }

  /** Unlocks if needed, then removes the passphrase: the data stays as it is, in plain form. */
  async disable(passphrase: string): Promise<LockStatus> {
    await this.unlock(passphrase);
    await this.connection.write(['meta'], async (tx, changes) => {
      await tx.objectStore('meta').delete('lock');
      changes.push(describeChange('meta', 'delete', ['lock']));
    }, undefined, { usesReserve: true });
    this.#key = undefined;
    return this.status();
  }

  async #record(): Promise<LockRecord | undefined> {
    const record = await this.connection.read(['meta']).objectStore('meta').get('lock');
    return record?.key === 'lock' ? record : undefined;
  }

  async #requireRecord(): Promise<LockRecord> {
    const record = await this.#record();
    if (!record) throw new InvalidInputError('lock', 'is not enabled: enable it with a passphrase first');
    return record;
  }

  async #check(record: LockRecord, passphrase: string): Promise<CryptoKey> {
    checkPassphrase(passphrase);
    const salt = fromBase64(record.salt);
    const stored = fromBase64(record.verifier);
    if (!salt || !stored) throw new TamperedExportError('its lock record is damaged', 'The locked data');
    const { key, verifier } = await deriveKeys(passphrase, salt, record.iterations);
    if (!sameBytes(verifier, stored)) throw new WrongPassphraseError('this is not the passphrase the data was locked with');
    return key;
  }

  /** Snapshot → transform (outside any transaction) → one transaction that swaps it in, unless a write came between. */
  async #replace(locked: boolean, transform: (snapshot: Snapshot) => Promise<Snapshot>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const { snapshot, seq } = await this.#snapshot();
      const replaced = await transform(snapshot);
      try {
        await this.connection.write(
          LOCKED_STORES,
          async (tx) => {
            await assertUnchanged(tx, seq, locked);
            for (const { store, values } of replaced) {
              const objects = tx.objectStore(store);
              await objects.clear();
              await Promise.all(values.map((value) => objects.put(value as never)));
            }
            const record = await tx.objectStore('meta').get('lock');
            if (record?.key !== 'lock') throw new SnapshotStale();
            await tx.objectStore('meta').put({ ...record, locked: !locked, changedAt: this.connection.clock() });
          },
          locked ? 'unlocked' : 'locked',
          { whileLocked: true, usesReserve: true },
        );
        this.connection.markLocked(!locked);
        return;
      } catch (error) {
        if (!(error instanceof SnapshotStale) || attempt >= ATTEMPTS) throw error;
      }
    }
  }

  async #snapshot(): Promise<{ snapshot: Snapshot; seq: number }> {
    // Bypasses the connection's lock gate on purpose: the lock reads sealed records to open them.
    const tx = this.connection.db.transaction([...LOCKED_STORES, 'meta'], 'readonly');
    const snapshot = await Promise.all(
      LOCKED_STORES.map(async (store) => {
        const objects = tx.objectStore(store);
        return { store, keyPath: objects.keyPath as string, values: await objects.getAll() };
      }),
    );
    const changes = await tx.objectStore('meta').get('changes');
    return { snapshot, seq: changes?.key === 'changes' ? changes.seq : 0 };
  }
}

async function assertUnchanged(tx: WriteTx<LockedStoreName>, seq: number, locked: boolean): Promise<void> {
  const meta = tx.objectStore('meta');
  const [changes, record] = await Promise.all([meta.get('changes'), meta.get('lock')]);
  const now = changes?.key === 'changes' ? changes.seq : 0;
  if (now !== seq || record?.key !== 'lock' || record.locked !== locked) throw new SnapshotStale();
}

/** The store and key are sealed with each value, so a box moved to another record or store fails to open. */
function additionalData(store: string, key: unknown): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`persona-lock/1\n${store}\n${JSON.stringify(key)}`);
}

async function seal(key: CryptoKey, store: string, keyPath: string, value: unknown): Promise<SealedRecord> {
  const id = (value as Record<string, IDBValidKey>)[keyPath] as IDBValidKey;
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const cipher = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: additionalData(store, id) }, key, encodeValue(value)));
  const sealed = new Uint8Array(IV_BYTES + cipher.length);
  sealed.set(iv, 0);
  sealed.set(cipher, IV_BYTES);
  return { [keyPath]: id, sealed };
}

async function open(key: CryptoKey, store: string, keyPath: string, value: unknown): Promise<unknown> {
  const record = value as Partial<SealedRecord>;
  const id = record[keyPath] as IDBValidKey;
  const sealed = record.sealed;
  if (!(sealed instanceof Uint8Array) || sealed.length <= IV_BYTES) throw new TamperedExportError(`a ${store} record is not sealed`, 'The locked data');
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.subarray(0, IV_BYTES), additionalData: additionalData(store, id) }, key, sealed.subarray(IV_BYTES));
    return decodeValue(new Uint8Array(plain));
  } catch {
    throw new TamperedExportError(`a ${store} record failed its integrity check`, 'The locked data');
  }
}
