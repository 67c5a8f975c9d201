// The opt-in lock, in two forms at rest, both under keys derived from the user's passphrase (passphrase-key.ts, the
// export's KDF). The database keeps only what re-derives and checks the key (salt, iterations, verifier); the
// secret lives in this object's memory from enable/unlock until lock, and in other tabs it handed it to.
//  - Unlocked: each content record keeps only its key and indexed fields in the clear; the rest (text, metadata,
//    postings, vectors) is sealed field by field (field-seal.ts), on every write, through the connection. So a
//    browser closed while unlocked leaves no text at rest, and a tab that opens later reads nothing until it is
//    handed the key (key-share.ts) or unlocks.
//  - Locked: every value of the content stores sealed whole with AES-256-GCM, indexed fields too, and the key forgotten.
//
// Moving between forms cannot run inside an IndexedDB transaction (WebCrypto's promises would let it commit early),
// so enable, lock, unlock and disable read a snapshot, transform it in memory, then write it back in ONE readwrite
// transaction that first checks no write came in between (the change counter); if one did, they start over. Either
// every record is in the new form and the lock record says so, or nothing changed.
import { InvalidInputError, TamperedExportError, WrongPassphraseError } from '../../core/errors';
import { describeChange } from '../change-feed';
import type { StoreConnection, WriteTx } from '../connection';
import { DEFAULT_ITERATIONS, KDF_NAME, SALT_BYTES, checkIterations, checkPassphrase, deriveSecret, keysFromSecret, sameBytes, SECRET_BYTES, subkeyFromSecret } from '../passphrase-key';
import { LOCKED_STORES, type LockRecord, type LockedStoreName } from '../schema';
import { fromBase64, toBase64 } from '../transfer/bytes';
import { LockedError } from '../../core/errors';
import { FIELD_KEY_INFO, FieldSeal, isFieldSealed, type SealedStoreName } from './field-seal';
import { whileNoImport } from '../transfer/import';
import { KeyShare } from './key-share';
import { decodeValue, encodeValue } from './sealed-value';

export interface LockStatus {
  /** A passphrase is set: lock() can seal the data. */
  enabled: boolean;
  /**
   * The content is unreadable here until unlock(passphrase): sealed whole, or sealed field by field while this tab
   * holds no key (no tab that has unlocked is open to hand it over).
   */
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

type Snapshot = { store: SealedStoreName; keyPath: string; values: readonly unknown[] }[];
/** The stores each change of form rewrites: the content, and an import's staging rows (field-sealed like it). */
const FORMED_STORES = [...LOCKED_STORES, 'staging'] as const;

const IV_BYTES = 12;
const ATTEMPTS = 5;

/** One change of form (see LockStore #replace). */
interface FormChange {
  check: (current: LockRecord | undefined) => boolean;
  transform: (store: SealedStoreName, keyPath: string, value: unknown) => unknown;
  next: (current: LockRecord | undefined) => LockRecord | undefined;
  lifecycle: 'locked' | 'unlocked';
}

/** A write came in between the snapshot and the transaction that replaces it: read again. */
class SnapshotStale extends Error {}

export class LockStore {
  /** The passphrase's derived secret while unlocked here, and the two keys made from it. */
  #held: { secret: Uint8Array<ArrayBuffer>; key: CryptoKey; seal: FieldSeal } | undefined;
  readonly #share: KeyShare;
  /** Counts forgettings: a key derived across one (a lock from another tab meanwhile) must not be kept. */
  #generation = 0;
  /** A secret from another tab is being checked: later answers to the same ask are dropped. */
  #adopting = false;

  constructor(private readonly connection: StoreConnection) {
    this.#share = new KeyShare(connection.channelKey, () => this.#held?.secret, (secret) => {
      void this.#adopt(secret);
    });
    // Locked or turned off from another tab: the key must not outlive the unlocked state here either.
    connection.feed.subscribe((message) => {
      const lockRemoved = message.changes.some((change) => change.store === 'meta' && change.op === 'delete' && change.ids?.includes('lock') !== false);
      if (message.lifecycle === 'locked' || message.lifecycle === 'wiped' || lockRemoved) this.#forget();
      // Unlocked (or set up) elsewhere: the tab that did it holds the key.
      else if (message.lifecycle === 'unlocked' && message.origin !== connection.origin && connection.needsKey) this.#share.ask();
    });
    connection.whenClosed(() => {
      this.#forget();
      this.#share.close();
    });
    if (connection.needsKey) this.#share.ask();
  }

  async status(): Promise<LockStatus> {
    const record = await this.#record();
    return {
      enabled: record !== undefined,
      locked: record !== undefined && (record.locked || this.#held === undefined),
      keyHeld: record !== undefined && this.#held !== undefined,
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

  /**
   * Sets the passphrase and seals the content field by field (it stays unlocked: this tab keeps the key, so lock()
   * needs nothing more).
   */
  async enable(passphrase: string, options: { iterations?: number } = {}): Promise<LockStatus> {
    checkPassphrase(passphrase);
    const iterations = options.iterations ?? DEFAULT_ITERATIONS;
    checkIterations(iterations);
    if (await this.#record()) throw new InvalidInputError('lock', 'is already enabled: disable it first to change the passphrase');
    const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
    const secret = await deriveSecret(passphrase, salt, iterations);
    const { verifier } = await keysFromSecret(secret);
    const now = this.connection.clock();
    const record: LockRecord = { key: 'lock', kdf: KDF_NAME, iterations, salt: toBase64(salt), verifier: toBase64(verifier), locked: false, enabledAt: now, changedAt: now };
    // Held before the data changes form: this tab's own listeners reload as soon as the transaction commits.
    const { seal } = await this.#hold(secret);
    try {
      await this.#replace(
        (current) => {
          if (current) throw new InvalidInputError('lock', 'is already enabled: disable it first to change the passphrase');
          return true;
        },
        (store, _keyPath, value) => seal.seal(store, value),
        () => record,
        'unlocked',
      );
    } catch (error) {
      this.#forget();
      throw error;
    }
    return this.status();
  }

  /**
   * Seals every content value whole and forgets the key. The passphrase is needed only when this tab holds no key.
   * Locking locked data changes nothing.
   */
  async lock(passphrase?: string): Promise<LockStatus> {
    const record = await this.#requireRecord();
    if (record.locked) {
      this.#forget();
      this.connection.markLocked(true);
      return this.status();
    }
    const secret = this.#held?.secret ?? (passphrase === undefined ? undefined : await this.#check(record, passphrase));
    if (!secret) throw new InvalidInputError('passphrase', 'is needed: this tab has not unlocked since it opened');
    const { key, seal } = this.#held ?? (await keysOf(secret));
    try {
      await this.#replace(
        (current) => {
          if (!current) throw new InvalidInputError('lock', 'was turned off from another tab');
          return !current.locked;
        },
        // Staging rows stay field-sealed: nothing reads them while locked, and a crashed import's are only cleared.
        (store, keyPath, value) => (store === 'staging' ? value : sealWhole(key, store, keyPath, isFieldSealed(value) ? seal.open(store, value) : value)),
        (current) => ({ ...(current as LockRecord), locked: true, changedAt: this.connection.clock() }),
        'locked',
      );
      this.#forget();
    } finally {
      // Keys derived here for this call only (the tab held none) do not outlive it.
      if (this.#held?.seal !== seal) {
        secret.fill(0);
        seal.wipe();
      }
    }
    return this.status();
  }

  /** Checks the passphrase (WrongPassphraseError changes nothing), restores every value and keeps the key. */
  async unlock(passphrase: string): Promise<LockStatus> {
    const secret = await this.#check(await this.#requireRecord(), passphrase);
    // Read again after the KDF's second: another tab may have locked, unlocked, or even set another passphrase.
    const record = await this.#requireRecord();
    if (!(await matchesRecord(record, secret))) throw new WrongPassphraseError('the lock was set up again with another passphrase meanwhile');
    const hadKey = this.#held !== undefined;
    const wasLockedHere = this.connection.locked;
    const { key, seal } = await this.#hold(secret);
    if (record.locked) {
      try {
        await this.#replace(
          (current) => {
            if (!current) throw new InvalidInputError('lock', 'was turned off from another tab');
            return current.locked;
          },
          async (store, keyPath, value) => (store === 'staging' ? value : seal.seal(store, await openWhole(key, store, keyPath, value))),
          (current) => ({ ...(current as LockRecord), locked: false, changedAt: this.connection.clock() }),
          'unlocked',
        );
      } catch (error) {
        if (!hadKey) this.#forget();
        throw error;
      }
    } else if (wasLockedHere) {
      this.#unlockedHere();
    }
    return this.status();
  }

  /** Unlocks if needed, then removes the passphrase: every value goes back to plain form. */
  async disable(passphrase: string): Promise<LockStatus> {
    // The passphrase is asked for even when this tab holds the key; the key in use is kept, not replaced.
    if (this.#held) await this.#check(await this.#requireRecord(), passphrase).then((secret) => secret.fill(0));
    else await this.unlock(passphrase);
    const held = this.#held;
    if (!held) throw new InvalidInputError('lock', 'was locked again from another tab: unlock it first');
    const { seal } = held;
    await this.#replace(
      (current) => {
        if (current?.locked) throw new InvalidInputError('lock', 'was locked again from another tab: unlock it first');
        return current !== undefined;
      },
      (store, _keyPath, value) => (isFieldSealed(value) ? seal.open(store, value) : value),
      () => undefined,
      'unlocked',
    );
    this.#forget();
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

  /** The passphrase's secret, once checked against the record's verifier (WrongPassphraseError otherwise). */
  async #check(record: LockRecord, passphrase: string): Promise<Uint8Array<ArrayBuffer>> {
    checkPassphrase(passphrase);
    const salt = fromBase64(record.salt);
    if (!salt || !fromBase64(record.verifier)) throw new TamperedExportError('its lock record is damaged', 'The locked data');
    const secret = await deriveSecret(passphrase, salt, record.iterations);
    if (!(await matchesRecord(record, secret))) throw new WrongPassphraseError('this is not the passphrase the data was locked with');
    return secret;
  }

  /**
   * Keeps the secret's keys. The same secret again keeps the keys already in use (a transaction may be sealing with
   * them); a lock from another tab while deriving them (#generation moved) drops them: LockedError.
   */
  async #hold(secret: Uint8Array<ArrayBuffer>): Promise<{ key: CryptoKey; seal: FieldSeal }> {
    const held = this.#held;
    if (held && sameBytes(held.secret, secret)) {
      if (held.secret !== secret) secret.fill(0);
      return held;
    }
    const generation = this.#generation;
    const keys = await keysOf(secret);
    if (generation !== this.#generation) {
      keys.seal.wipe();
      secret.fill(0);
      throw new LockedError('the data was locked from another tab meanwhile');
    }
    // Another call held the same secret while these keys were derived: keep its keys, in use by now.
    const now = this.#held;
    if (now && sameBytes(now.secret, secret)) {
      keys.seal.wipe();
      if (now.secret !== secret) secret.fill(0);
      return now;
    }
    if (this.#held && this.#held.secret !== secret) this.#held.secret.fill(0);
    this.#held = { secret, ...keys };
    this.connection.holdKey(keys.seal);
    return keys;
  }

  #forget(): void {
    this.#generation++;
    this.#held?.secret.fill(0);
    this.#held = undefined;
    this.connection.holdKey(undefined);
  }

  /** A secret another tab handed over: used only if this tab still needs it and it is this lock's. */
  async #adopt(secret: Uint8Array<ArrayBuffer>): Promise<void> {
    const needed = () => this.connection.needsKey;
    if (this.#adopting || !needed()) {
      secret.fill(0);
      return;
    }
    this.#adopting = true;
    try {
      const record = await this.#record().catch(() => undefined);
      // Still needed: an unlock here may have come first.
      if (!record || record.locked || !(await matchesRecord(record, secret)) || !needed()) {
        secret.fill(0);
        return;
      }
      await this.#hold(secret);
      this.#unlockedHere();
    } catch {
      // Locked from another tab while this one took the key: it stays locked here, as it should.
    } finally {
      this.#adopting = false;
    }
  }

  /** This tab can read again without any data changing: its own listeners hear 'unlocked' (no other tab needs to). */
  #unlockedHere(): void {
    this.connection.feed.deliverHere({ db: this.connection.name, origin: this.connection.origin, seq: 0, changes: [], lifecycle: 'unlocked' });
  }

  /**
   * Snapshot → transform (outside any transaction) → one transaction that swaps it in, unless a write came between.
   * `check` sees the lock record as of the snapshot, and again inside the swap: true to go on, false when the data is
   * already in the wanted form (another tab did it: nothing to do), or it throws to refuse.
   */
  async #replace(check: FormChange['check'], transform: FormChange['transform'], next: FormChange['next'], lifecycle: FormChange['lifecycle']): Promise<void> {
    const change: FormChange = { check, transform, next, lifecycle };
    // Imports stage rows outside the change counter: none may run while the staging rows are rewritten.
    await whileNoImport(this.connection.channelKey, async () => {
      let resume: (() => void) | undefined;
      try {
        for (let attempt = 1; ; attempt++) {
          // A write came in between (the embedder's, most often): this tab's content writes wait while it tries again.
          if (attempt === 2) resume = this.connection.pauseContentWrites();
          if (await this.#attempt(change)) return;
          if (attempt >= ATTEMPTS) throw new InvalidInputError('lock', `kept changing under other tabs' writes: ${ATTEMPTS} tries, try again`);
        }
      } finally {
        resume?.();
      }
    });
  }

  /** One snapshot and swap; false when a write came in between (nothing changed then). */
  async #attempt({ check, transform, next, lifecycle }: FormChange): Promise<boolean> {
    const { snapshot, seq, record } = await this.#snapshot();
    if (!check(record)) return true;
    const replaced: Snapshot = [];
    for (const { store, keyPath, values } of snapshot) {
      replaced.push({ store, keyPath, values: await Promise.all(values.map((value) => transform(store, keyPath, value))) });
    }
    try {
      await this.connection.write(
        FORMED_STORES,
        async (tx, changes) => {
          const current = await unchangedRecord(tx, seq);
          if (!check(current)) throw new SnapshotStale();
          for (const { store, values } of replaced) {
            const objects = tx.objectStore(store);
            await objects.clear();
            await Promise.all(values.map((value) => objects.put(value as never)));
          }
          const following = next(current);
          if (following) await tx.objectStore('meta').put(following);
          else await tx.objectStore('meta').delete('lock');
          changes.push(describeChange('meta', following ? 'put' : 'delete', ['lock']));
        },
        lifecycle,
        { whileLocked: true, usesReserve: true },
      );
      return true;
    } catch (error) {
      if (!(error instanceof SnapshotStale)) throw error;
      return false;
    }
  }

  async #snapshot(): Promise<{ snapshot: Snapshot; seq: number; record: LockRecord | undefined }> {
    // Bypasses the connection's lock gate and seal on purpose: the lock reads sealed records to open them.
    const tx = this.connection.db.transaction([...FORMED_STORES, 'meta'], 'readonly');
    const snapshot = await Promise.all(
      FORMED_STORES.map(async (store) => {
        const objects = tx.objectStore(store);
        return { store, keyPath: objects.keyPath as string, values: await objects.getAll() };
      }),
    );
    const [changes, lock] = await Promise.all([tx.objectStore('meta').get('changes'), tx.objectStore('meta').get('lock')]);
    return { snapshot, seq: changes?.key === 'changes' ? changes.seq : 0, record: lock?.key === 'lock' ? lock : undefined };
  }
}

async function keysOf(secret: Uint8Array<ArrayBuffer>): Promise<{ key: CryptoKey; seal: FieldSeal }> {
  const { key, verifier } = await keysFromSecret(secret);
  const fieldKey = await subkeyFromSecret(secret, FIELD_KEY_INFO);
  const seal = new FieldSeal(fieldKey, toBase64(verifier));
  fieldKey.fill(0);
  return { key, seal };
}

async function matchesRecord(record: LockRecord, secret: Uint8Array<ArrayBuffer>): Promise<boolean> {
  const stored = fromBase64(record.verifier);
  if (!stored || secret.length !== SECRET_BYTES) return false;
  const { verifier } = await keysFromSecret(secret);
  return sameBytes(verifier, stored);
}

/** The lock record inside the swapping transaction, provided no write came since the snapshot (SnapshotStale). */
async function unchangedRecord(tx: WriteTx<LockedStoreName | 'staging'>, seq: number): Promise<LockRecord | undefined> {
  const meta = tx.objectStore('meta');
  const [changes, record] = await Promise.all([meta.get('changes'), meta.get('lock')]);
  const now = changes?.key === 'changes' ? changes.seq : 0;
  if (now !== seq) throw new SnapshotStale();
  return record?.key === 'lock' ? record : undefined;
}

/** The store and key are sealed with each value, so a box moved to another record or store fails to open. */
function additionalData(store: string, key: unknown): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`persona-lock/1\n${store}\n${JSON.stringify(key)}`);
}

async function sealWhole(key: CryptoKey, store: string, keyPath: string, value: unknown): Promise<SealedRecord> {
  const id = (value as Record<string, IDBValidKey>)[keyPath] as IDBValidKey;
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const cipher = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: additionalData(store, id) }, key, encodeValue(value)));
  const sealed = new Uint8Array(IV_BYTES + cipher.length);
  sealed.set(iv, 0);
  sealed.set(cipher, IV_BYTES);
  return { [keyPath]: id, sealed };
}

async function openWhole(key: CryptoKey, store: string, keyPath: string, value: unknown): Promise<unknown> {
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
