// The lock's everyday form: while the data is unlocked, each content record is kept in IndexedDB with only the
// fields IndexedDB needs in the clear (its key and what its indexes read: ids, times, kinds, sources, queue state)
// and everything else — text, metadata, summaries, preferences, postings, vectors — in one sealed box. So a browser
// closed while unlocked leaves no text at rest. Locking then seals the rest too (lock-store.ts).
//
// The box is XChaCha20-Poly1305, computed synchronously (@noble/ciphers): IndexedDB transactions commit as soon as
// they wait on anything but their own requests, and WebCrypto's promises would end them, so every read-modify-write
// in the store could not seal through it. The 24-byte random nonce makes nonce reuse negligible at any store size.
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { LockedError, TamperedExportError } from '../../core/errors';
import type { LockedStoreName } from '../schema';

/** The content stores, and the import's staging rows (they hold content until the import is applied). */
export type SealedStoreName = LockedStoreName | 'staging';
import { decodeValue, encodeValue } from './sealed-value';

/**
 * What stays readable per store: the key path and the fields the store's indexes read (see migrations.ts). Of these,
 * all but an auto-incremented key are bound to the box (authenticated data), so a box cannot move to another record.
 */
const CLEAR_FIELDS: Record<SealedStoreName, { key: string; autoKey?: true; indexed: readonly string[] }> = {
  events: { key: 'id', indexed: ['ts', 'kind', 'source', 'itemId', 'embedState', 'value', 'sessionId'] },
  segments: { key: 'seq', autoKey: true, indexed: ['space'] },
  memories: { key: 'id', indexed: ['updatedAt', 'sourceEventIds'] },
  profile: { key: 'id', indexed: [] },
  feedback: { key: 'id', indexed: ['answerId', 'ts'] },
  // An import's validated records until it is applied (key [importId, n]; `store` says where each goes).
  staging: { key: 'importId', indexed: ['n', 'store'] },
};

/** The field that holds the box. No Persona record has it: their fields are fixed, and users' own data is nested. */
const BOX = 'sealedFields';
const NONCE_BYTES = 24;
export const FIELD_KEY_INFO = 'persona-lock-fields/1';

export type FieldSealedRecord = Record<string, unknown> & { [BOX]: Uint8Array };

export function isFieldSealed(value: unknown): value is FieldSealedRecord {
  return value !== null && typeof value === 'object' && (value as Record<string, unknown>)[BOX] instanceof Uint8Array;
}

/** A value the whole-record lock sealed (lock-store.ts): unreadable until unlock. */
export function isWhollySealed(value: unknown): boolean {
  return value !== null && typeof value === 'object' && (value as Record<string, unknown>).sealed instanceof Uint8Array;
}

export class FieldSeal {
  readonly #key: Uint8Array;
  /** Wiped keys refuse to work: a transaction still holding this seal must abort, never seal under zeros. */
  #wiped = false;

  /**
   * `key`: 32 bytes (the lock's field key, subkeyFromSecret with FIELD_KEY_INFO); copied, so the caller may wipe its
   * own. `verifier`: the lock record's verifier for the same passphrase, so a write can tell this key belongs to the
   * lock it finds (another tab may have set the lock up again with another passphrase).
   */
  constructor(
    key: Uint8Array,
    readonly verifier: string,
  ) {
    if (key.length !== 32) throw new RangeError('a field key has 32 bytes');
    this.#key = key.slice();
  }

  seal(store: SealedStoreName, value: unknown): FieldSealedRecord {
    this.#usable();
    if (isFieldSealed(value)) return value;
    const record = value as Record<string, unknown>;
    const { key, indexed } = CLEAR_FIELDS[store];
    const clear: Record<string, unknown> = {};
    const rest: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(record)) {
      if (name === key || indexed.includes(name)) clear[name] = field;
      else rest[name] = field;
    }
    const nonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
    const cipher = xchacha20poly1305(this.#key, nonce, boundData(store, clear)).encrypt(encodeValue(rest));
    const box = new Uint8Array(NONCE_BYTES + cipher.length);
    box.set(nonce, 0);
    box.set(cipher, NONCE_BYTES);
    return { ...clear, [BOX]: box };
  }

  /** The record as it was sealed; TamperedExportError if the box was altered or moved to another record. */
  open(store: SealedStoreName, value: FieldSealedRecord): Record<string, unknown> {
    this.#usable();
    const { [BOX]: box, ...clear } = value;
    // Only the named clear fields may sit beside the box: anything else was not sealed and is not the user's.
    const { key, indexed } = CLEAR_FIELDS[store];
    if (Object.keys(clear).some((name) => name !== key && !indexed.includes(name))) {
      throw new TamperedExportError(`a ${store} record has fields outside its sealed box`, 'The locked data');
    }
    let rest: unknown;
    try {
      const plain = xchacha20poly1305(this.#key, box.subarray(0, NONCE_BYTES), boundData(store, clear)).decrypt(box.subarray(NONCE_BYTES));
      rest = decodeValue(plain);
    } catch {
      throw new TamperedExportError(`a ${store} record failed its integrity check`, 'The locked data');
    }
    return { ...clear, ...(rest as Record<string, unknown>) };
  }

  /** Forgets the key (the lock ends the unlocked state); any later use is LockedError. */
  wipe(): void {
    this.#wiped = true;
    this.#key.fill(0);
  }

  #usable(): void {
    if (this.#wiped) throw new LockedError('the key was put away while this was running');
  }
}

/** A stored value as a reader sees it: opened with the key when sealed; LockedError when sealed and no key is held. */
export function openedValue<T>(store: SealedStoreName, value: T, seal: FieldSeal | undefined): T {
  if (isFieldSealed(value)) {
    if (!seal) throw new LockedError('this tab has not unlocked the data');
    return seal.open(store, value) as T;
  }
  if (isWhollySealed(value)) throw new LockedError();
  return value;
}

function boundData(store: SealedStoreName, clear: Record<string, unknown>): Uint8Array {
  const { key, autoKey, indexed } = CLEAR_FIELDS[store];
  const bound = (autoKey ? indexed : [key, ...indexed]).map((name) => clear[name] ?? null);
  return new TextEncoder().encode(`${FIELD_KEY_INFO}\n${store}\n${JSON.stringify(bound)}`);
}
