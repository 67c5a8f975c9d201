// The opt-in lock at the store: content sealed field by field at rest while unlocked and sealed whole while locked,
// refusing content reads and writes while locked (or in a tab without the key), a wrong passphrase changing
// nothing, other tabs handed the key, and unlocking restoring every record exactly. Runs in Node (fake-indexeddb)
// and in Chromium.
import type { IDBPDatabase } from 'idb';
import { afterEach, describe, expect, test } from 'vitest';
import { InvalidInputError, LockedError, WrongPassphraseError } from '../../../src/core/errors';
import { decodeValue, encodeValue } from '../../../src/store/lock/sealed-value';
import { MIN_ITERATIONS } from '../../../src/store/passphrase-key';
import { StagingWriter, stagedCount } from '../../../src/store/transfer/staging';
import type { PersonaStore } from '../../../src/store/persona-store';
import { fullExport } from '../../support/full-export';
import { dumpDatabase, foundIn, type RawDump } from '../../support/raw-idb-scan';
import { openTestStore } from '../../support/store';

// The cheapest work factor the KDF accepts keeps these tests quick; the default is 600,000.
const FAST = { iterations: MIN_ITERATIONS };
const SECRETS = ['quokkaquartz', 'zanzibarlentil', 'marzipanvolcano', 'periwinkleoboe', 'tangerinefjord', 'sepiaharpsichord'] as const;
const stores: PersonaStore[] = [];

afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

async function filledStore(): Promise<PersonaStore> {
  const store = await openTestStore();
  stores.push(store);
  const recorded = await store.record([
    { kind: 'note', text: `I grow ${SECRETS[0]} on my balcony`, metadata: { tag: SECRETS[1] } },
    { kind: 'message', text: 'an ordinary line' },
  ]);
  await store.segments.appendVectors('test-model', 3, [recorded[0]?.id ?? ''], new Float32Array([0.25, -1, 3.5]));
  const memory = await store.memories.add({ text: `Collects ${SECRETS[2]} figurines` });
  await store.memories.update(memory.id, { text: `Collects ${SECRETS[2]} figurines, mostly blue` });
  await store.profile.setPreference('diet', SECRETS[3]);
  await store.profile.setSummary({ text: `Someone fond of ${SECRETS[4]}`, by: 'user' });
  await store.feedback.add({ answerId: 'a1', signal: 'edit', editedText: `say ${SECRETS[5]} instead` });
  return store;
}

describe('sealed values', () => {
  test('round-trip JSON and every typed array exactly', () => {
    const value = { id: 'x', n: 1.5, nested: [{ s: 'ünïcødé' }, null, true], f32: new Float32Array([1.25, -0]), u16: new Uint16Array([65535]), f64: new Float64Array([Math.PI]) };
    expect(decodeValue(encodeValue(value))).toEqual(value);
    const decoded = decodeValue(encodeValue(value)) as typeof value;
    expect(decoded.f32).toBeInstanceOf(Float32Array);
  });

  test('a user value shaped like an array tag stays a plain object', () => {
    // The marker of an earlier encoding, read from its header (see sealed-value.ts for the layout).
    const earlier = encodeValue({ vector: new Float32Array([1]) });
    const headerLength = new DataView(earlier.buffer).getUint32(1, true);
    const [marker] = JSON.parse(new TextDecoder().decode(earlier.subarray(9, 9 + headerLength))) as [string];
    expect(marker).toMatch(/^\$sealed-array:/);
    const crafted = { metadata: { [marker]: 0 }, vector: new Float32Array([2]) };
    // A marker from an earlier encoding is not the one the next encoding draws.
    expect(decodeValue(encodeValue(crafted))).toEqual(crafted);
    expect(decodeValue(encodeValue({ metadata: { [marker]: 0 } }))).toEqual({ metadata: { [marker]: 0 } });
  });

  test('values sealed by the first locks (arrays as base64 text) still open', () => {
    const marker = '$sealed-array:AAAA';
    const old = new TextEncoder().encode(`${marker}\n${JSON.stringify({ id: 'e1', v: { [marker]: ['Float32Array', 'AACAPw=='] } })}`);
    expect(decodeValue(old)).toEqual({ id: 'e1', v: new Float32Array([1]) });
  });

  test('a cut or damaged encoding is an error, never a wrong value', () => {
    const bytes = encodeValue({ id: 'x', vector: new Float32Array([1, 2, 3]) });
    expect(() => decodeValue(bytes.subarray(0, bytes.length - 8))).toThrow(TypeError);
    expect(() => decodeValue(bytes.subarray(0, 5))).toThrow();
  });
});

const CONTENT = ['events', 'segments', 'memories', 'profile', 'feedback'] as const;
/** What each content store keeps in the clear while unlocked: its key and the fields its indexes read. */
const CLEAR: Record<(typeof CONTENT)[number], string[]> = {
  events: ['id', 'ts', 'kind', 'source', 'itemId', 'embedState', 'value', 'sessionId'],
  segments: ['seq', 'space'],
  memories: ['id', 'updatedAt', 'sourceEventIds'],
  profile: ['id'],
  feedback: ['id', 'answerId', 'ts'],
};

/** Every content record holds only its clear fields and the sealed box; keys are as they were. */
function expectFieldSealed(dump: RawDump, before: RawDump): void {
  for (const name of CONTENT) {
    expect(dump.records[name]?.keys, name).toEqual(before.records[name]?.keys);
    for (const value of dump.records[name]?.values ?? []) {
      const fields = Object.keys(value as object);
      expect(fields, name).toContain('sealedFields');
      expect(fields.filter((field) => field !== 'sealedFields' && !CLEAR[name].includes(field)), name).toEqual([]);
    }
  }
}

describe('the lock', () => {
  test('seals text at rest while unlocked, seals everything while locked, and unlock restores every record', async () => {
    const store = await filledStore();
    const before = await dumpDatabase(store.name);
    const exported = await fullExport(store);
    // The scan finds what is there: every secret is in the plain database (events, postings, memories, profile, feedback).
    expect(foundIn(before, SECRETS)).toEqual([...SECRETS]);

    expect(await store.lock.enable('correct horse', FAST)).toEqual({ enabled: true, locked: false, keyHeld: true, autoLockMs: null });
    // Unlocked, the content is already sealed at rest, field by field; reads through the store open it.
    const unlocked = await dumpDatabase(store.name);
    expect(foundIn(unlocked, SECRETS)).toEqual([]);
    expectFieldSealed(unlocked, before);
    expect(await fullExport(store)).toEqual(exported);
    expect(await store.lock.lock()).toEqual({ enabled: true, locked: true, keyHeld: false, autoLockMs: null });

    const locked = await dumpDatabase(store.name);
    expect(foundIn(locked, SECRETS)).toEqual([]);
    expect(locked.text).not.toContain('correct horse');
    for (const name of ['events', 'segments', 'memories', 'profile', 'feedback']) {
      expect(locked.records[name]?.keys).toEqual(before.records[name]?.keys);
      for (const value of locked.records[name]?.values ?? []) expect(Object.keys(value as object).sort()).toEqual(['sealed', name === 'segments' ? 'seq' : 'id'].sort());
    }

    expect(await store.lock.unlock('correct horse')).toEqual({ enabled: true, locked: false, keyHeld: true, autoLockMs: null });
    const after = await dumpDatabase(store.name);
    expect(foundIn(after, SECRETS)).toEqual([]);
    expectFieldSealed(after, before);
    for (const name of ['tombstones', 'settings', 'staging']) expect(after.records[name], name).toEqual(before.records[name]);
    expect(await fullExport(store)).toEqual(exported);
    // Indexes work again: they were rebuilt from the restored values.
    expect((await store.events.list({ kind: 'note' })).events.map((e) => e.text)).toEqual([`I grow ${SECRETS[0]} on my balcony`]);
    expect((await store.memories.history((await store.memories.list())[0]?.id ?? '')).length).toBe(2);
    expect((await store.segments.loadVectors('test-model'))?.vectors).toEqual(new Float32Array([0.25, -1, 3.5]));
  });

  test('while locked, content reads and writes are LockedError and write nothing; status and settings still work', async () => {
    const store = await filledStore();
    await store.lock.enable('pass phrase', FAST);
    await store.lock.lock();
    const locked = await dumpDatabase(store.name);

    await expect(store.record({ kind: 'note', text: 'written while locked' })).rejects.toBeInstanceOf(LockedError);
    await expect(store.events.list()).rejects.toBeInstanceOf(LockedError);
    await expect(store.memories.add({ text: 'x' })).rejects.toBeInstanceOf(LockedError);
    await expect(store.memories.list()).rejects.toBeInstanceOf(LockedError);
    await expect(store.profile.get()).rejects.toBeInstanceOf(LockedError);
    await expect(store.profile.setPreference('k', 'v')).rejects.toBeInstanceOf(LockedError);
    await expect(store.feedback.list()).rejects.toBeInstanceOf(LockedError);
    await expect(store.segments.loadVectors('test-model')).rejects.toBeInstanceOf(LockedError);
    await expect(store.lock.status()).resolves.toEqual({ enabled: true, locked: true, keyHeld: false, autoLockMs: null });
    await store.settings.set('theme', 'dark');
    expect(await store.settings.get('theme')).toBe('dark');

    const still = await dumpDatabase(store.name);
    for (const name of ['events', 'segments', 'memories', 'profile', 'feedback']) expect(still.records[name]).toEqual(locked.records[name]);
  });

  test('another connection to the same database sees the lock, even for writes it had no message about', async () => {
    const store = await filledStore();
    const other = await openTestStore({ name: store.name });
    stores.push(other);
    await store.lock.enable('pass phrase', FAST);
    await store.lock.lock();
    await expect(other.record({ kind: 'note', text: 'from another tab' })).rejects.toBeInstanceOf(LockedError);
    const reopened = await openTestStore({ name: store.name });
    stores.push(reopened);
    await expect(reopened.events.list()).rejects.toBeInstanceOf(LockedError);
    // It never held the key, yet unlocks with the passphrase.
    await reopened.lock.unlock('pass phrase');
    expect((await reopened.events.list()).events.length).toBe(2);
  });

  test('a wrong passphrase is WrongPassphraseError and changes nothing', async () => {
    const store = await filledStore();
    await store.lock.enable('right one', FAST);
    await store.lock.lock();
    const locked = await dumpDatabase(store.name);
    await expect(store.lock.unlock('wrong one')).rejects.toBeInstanceOf(WrongPassphraseError);
    await expect(store.lock.disable('wrong one')).rejects.toBeInstanceOf(WrongPassphraseError);
    await expect(store.lock.unlock('')).rejects.toBeInstanceOf(InvalidInputError);
    expect(await dumpDatabase(store.name)).toEqual(locked);
    expect(await store.lock.status()).toEqual({ enabled: true, locked: true, keyHeld: false, autoLockMs: null });
  });

  test('the database keeps only salt, iterations and verifier: never the key or passphrase', async () => {
    const store = await filledStore();
    await store.lock.enable('a passphrase nobody guesses', FAST);
    const dump = await dumpDatabase(store.name);
    const record = (dump.records['meta']?.values ?? []).find((v) => (v as { key: string }).key === 'lock');
    expect(Object.keys(record as object).sort()).toEqual(['changedAt', 'enabledAt', 'iterations', 'kdf', 'key', 'locked', 'salt', 'verifier']);
    expect(dump.text).not.toContain('a passphrase nobody guesses');
  });

  test('state errors: lock before enable, enable twice, lock without the key; disable unlocks and removes the lock', async () => {
    const store = await filledStore();
    await expect(store.lock.lock()).rejects.toMatchObject({ name: 'InvalidInputError', field: 'lock' });
    await store.lock.enable('p1', FAST);
    await expect(store.lock.enable('p2', FAST)).rejects.toMatchObject({ field: 'lock' });
    // The only tab holding the key closes (a browser closed while unlocked): the next one opens on sealed text.
    store.close();
    const other = await openTestStore({ name: store.name });
    stores.push(other);
    expect(await other.lock.status()).toEqual({ enabled: true, locked: true, keyHeld: false, autoLockMs: null });
    await expect(other.events.list()).rejects.toBeInstanceOf(LockedError);
    await expect(other.lock.lock()).rejects.toMatchObject({ field: 'passphrase' });
    await expect(other.lock.lock('p2')).rejects.toBeInstanceOf(WrongPassphraseError);
    await other.lock.lock('p1');
    expect(await other.lock.disable('p1')).toEqual({ enabled: false, locked: false, keyHeld: false, autoLockMs: null });
    expect(foundIn(await dumpDatabase(other.name), SECRETS)).toEqual([...SECRETS]);
    expect((await other.memories.list()).length).toBe(1);
  });

  test('closed while unlocked: the text stays sealed, the next tab reads nothing until unlock, which rewrites nothing', async () => {
    const store = await filledStore();
    await store.lock.enable('pass phrase', FAST);
    await store.record({ kind: 'note', text: 'written while unlocked about a saffronzeppelin' });
    await store.memories.add({ text: 'remembers the quillkumquat' });
    const name = store.name;
    store.close();
    const closed = await dumpDatabase(name);
    expect(foundIn(closed, [...SECRETS, 'saffronzeppelin', 'quillkumquat'])).toEqual([]);

    const next = await openTestStore({ name });
    stores.push(next);
    await expect(next.events.list()).rejects.toBeInstanceOf(LockedError);
    await expect(next.record({ kind: 'note', text: 'refused' })).rejects.toBeInstanceOf(LockedError);
    expect(await dumpDatabase(name)).toEqual(closed);
    await next.lock.unlock('pass phrase');
    // Unlocking a store that was never locked only takes the key back: nothing at rest changes.
    expect(await dumpDatabase(name)).toEqual(closed);
    expect((await next.events.list({ limit: 10 })).events.map((e) => e.text)).toContain('written while unlocked about a saffronzeppelin');
    expect((await next.memories.list()).map((m) => m.text)).toContain('remembers the quillkumquat');
  });

  test('a sealed box altered or moved to another record fails its integrity check when read', async () => {
    const store = await filledStore();
    await store.lock.enable('pass phrase', FAST);
    const db = store.connection.db as unknown as IDBPDatabase;
    const [first, second] = (await db.getAll('events')) as { id: string; sealedFields: Uint8Array }[];
    if (!first || !second) throw new Error('two events expected');
    // Moved: the first event's box under the second's id.
    await db.put('events', { ...second, sealedFields: first.sealedFields });
    await expect(store.events.get(second.id)).rejects.toMatchObject({ name: 'TamperedExportError', message: expect.stringContaining('events') as string });
    // Altered: one ciphertext byte flipped.
    const flipped = first.sealedFields.slice();
    flipped[30] = (flipped[30] ?? 0) ^ 1;
    await db.put('events', { ...first, sealedFields: flipped });
    await expect(store.events.get(first.id)).rejects.toMatchObject({ name: 'TamperedExportError' });
    // Added: a field beside the box that was never sealed.
    const recorded = await store.record({ kind: 'note', text: 'one more' });
    const sealedRecord = (await db.get('events', recorded.id)) as Record<string, unknown>;
    await db.put('events', { ...sealedRecord, text: 'planted in plain form' });
    await expect(store.events.get(recorded.id)).rejects.toMatchObject({ name: 'TamperedExportError' });
  });

  test('a key put away while a transaction still holds it refuses to seal or open: never zeros', async () => {
    const { FieldSeal } = await import('../../../src/store/lock/field-seal');
    const seal = new FieldSeal(crypto.getRandomValues(new Uint8Array(32)), 'test-verifier');
    const boxed = seal.seal('memories', { id: 'm1', text: 'kept' });
    expect(seal.open('memories', boxed)).toEqual({ id: 'm1', text: 'kept' });
    seal.wipe();
    expect(() => seal.seal('memories', { id: 'm2', text: 'x' })).toThrow(LockedError);
    expect(() => seal.open('memories', boxed)).toThrow(LockedError);
  });

  test('a key that is not this lock\'s (set up again elsewhere with another passphrase) writes nothing', async () => {
    const { FieldSeal } = await import('../../../src/store/lock/field-seal');
    const store = await filledStore();
    await store.lock.enable('pass phrase', FAST);
    const before = await dumpDatabase(store.name);
    store.connection.holdKey(new FieldSeal(crypto.getRandomValues(new Uint8Array(32)), 'a verifier of another lock'));
    await expect(store.record({ kind: 'note', text: 'sealed under the wrong key' })).rejects.toBeInstanceOf(LockedError);
    await expect(store.memories.add({ text: 'nor this' })).rejects.toBeInstanceOf(LockedError);
    expect(await dumpDatabase(store.name)).toEqual(before);
  });

  test('two tabs locking at once, then unlocking at once: both succeed and nothing is sealed twice', async () => {
    const store = await filledStore();
    const exported = await fullExport(store);
    await store.lock.enable('pass phrase', FAST);
    const other = await openTestStore({ name: store.name });
    stores.push(other);
    await expect.poll(async () => (await other.lock.status()).keyHeld, { timeout: 10_000 }).toBe(true);
    await Promise.all([store.lock.lock(), other.lock.lock()]);
    expect(await store.lock.status()).toMatchObject({ locked: true, keyHeld: false });
    await Promise.all([store.lock.unlock('pass phrase'), other.lock.unlock('pass phrase')]);
    expect(await fullExport(store)).toEqual(exported);
    expect(await fullExport(other)).toEqual(exported);
  });
});

describe('several connections', () => {
  test('a tab that opens while another holds the key is handed it, and its writes are sealed too', async () => {
    const store = await filledStore();
    await store.lock.enable('pass phrase', FAST);
    const other = await openTestStore({ name: store.name });
    stores.push(other);
    await expect.poll(() => other.lock.status(), { timeout: 10_000 }).toEqual({ enabled: true, locked: false, keyHeld: true, autoLockMs: null });
    expect((await other.events.list()).events.map((e) => e.text)).toContain(`I grow ${SECRETS[0]} on my balcony`);
    await other.record({ kind: 'note', text: 'a note about the marmaladeyacht' });
    expect(foundIn(await dumpDatabase(store.name), ['marmaladeyacht', ...SECRETS])).toEqual([]);
    expect((await store.events.list()).events.map((e) => e.text)).toContain('a note about the marmaladeyacht');
  });

  test('a secret that is not this lock\'s, posted on the key channel, is ignored', async () => {
    const store = await filledStore();
    await store.lock.enable('pass phrase', FAST);
    const name = store.name;
    store.close();
    const other = await openTestStore({ name });
    stores.push(other);
    const channel = new BroadcastChannel(`persona-lock-key:${other.channelKey}`);
    channel.postMessage({ type: 'secret', secret: crypto.getRandomValues(new Uint8Array(64)) });
    channel.postMessage({ type: 'secret', secret: 'not bytes' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    channel.close();
    expect(await other.lock.status()).toMatchObject({ locked: true, keyHeld: false });
    await expect(other.events.list()).rejects.toBeInstanceOf(LockedError);
  });

  test('a lock from another connection makes this one forget its key', async () => {
    const store = await filledStore();
    const other = await openTestStore({ name: store.name });
    stores.push(other);
    await store.lock.enable('pass phrase', FAST);
    expect((await store.lock.status()).keyHeld).toBe(true);
    await other.lock.lock('pass phrase');
    await expect.poll(() => store.lock.status(), { timeout: 10_000 }).toEqual({ enabled: true, locked: true, keyHeld: false, autoLockMs: null });
    await expect(store.lock.lock()).resolves.toMatchObject({ locked: true });
    await store.lock.unlock('pass phrase');
    await other.lock.disable('pass phrase');
    await expect.poll(() => store.lock.status(), { timeout: 10_000 }).toEqual({ enabled: false, locked: false, keyHeld: false, autoLockMs: null });
  });
});

describe('imports under the lock', () => {
  test('staged rows are sealed like the content they become, and an import into a store with the lock reads back whole', async () => {
    const source = await filledStore();
    const file = new Blob([await new Response(source.export({ includeVectors: true })).arrayBuffer()]);
    const exported = await fullExport(source);
    const target = await openTestStore();
    stores.push(target);
    await target.lock.enable('pass phrase', FAST);

    // Rows staged before the lock was enabled are sealed by enabling it.
    const early = await openTestStore();
    stores.push(early);
    const before = new StagingWriter(early.connection, 'early');
    await before.add('memories', { id: 'm-early', text: `Staged ${SECRETS[3]} early` }, 64);
    await before.flush();
    expect(foundIn(await dumpDatabase(early.name), [SECRETS[3]])).toEqual([SECRETS[3]]);
    await early.lock.enable('pass phrase', FAST);
    expect(foundIn(await dumpDatabase(early.name), [SECRETS[3]])).toEqual([]);
    await early.lock.disable('pass phrase');
    expect(foundIn(await dumpDatabase(early.name), [SECRETS[3]])).toEqual([SECRETS[3]]);

    const staging = new StagingWriter(target.connection, 'probe');
    await staging.add('memories', { id: 'm-probe', text: `Staged ${SECRETS[2]} memory` }, 64);
    await staging.flush();
    expect(await stagedCount(target.connection, 'probe')).toBe(1);
    expect(foundIn(await dumpDatabase(target.name), SECRETS)).toEqual([]);

    await target.import(file);
    expect(foundIn(await dumpDatabase(target.name), SECRETS)).toEqual([]);
    // Keyword postings are rebuilt by the import in its own order; everything else comes back as it was.
    const withoutPostings = (records: unknown[]) => records.filter((record) => (record as { data?: { kind?: string } }).data?.kind !== 'postings');
    expect(withoutPostings(await fullExport(target))).toEqual(withoutPostings(exported));
  });
});

describe('leaving locked data', () => {
  test('import and export are refused while locked and stage nothing; wipe needs no passphrase', async () => {
    const store = await filledStore();
    await store.lock.enable('pass phrase', FAST);
    await store.lock.lock();
    const file = new Blob(['{"format":"persona-export","version":1}\n']);
    await expect(store.previewImport(file)).rejects.toBeInstanceOf(LockedError);
    await expect(store.import(file)).rejects.toBeInstanceOf(LockedError);
    expect(() => store.export()).toThrow(LockedError);
    expect((await dumpDatabase(store.name)).records['staging']?.values).toEqual([]);

    const name = store.name;
    await store.wipe();
    expect((await indexedDB.databases()).map((db) => db.name)).not.toContain(name);
  });
});

describe('writes racing the lock', () => {
  test('a write during lock() is either sealed with the rest or refused: never left in plain form', async () => {
    const store = await filledStore();
    await store.lock.enable('pass phrase', FAST);
    const locking = store.lock.lock();
    const writes = await Promise.allSettled(
      ['racingwombat', 'racingnarwhal', 'racingokapi'].map((word) => store.record({ kind: 'note', text: `a ${word} note` })),
    );
    await locking;
    expect(foundIn(await dumpDatabase(store.name), ['racingwombat', 'racingnarwhal', 'racingokapi'])).toEqual([]);
    await store.lock.unlock('pass phrase');
    const texts = (await store.events.list({ limit: 100 })).events.map((e) => e.text);
    writes.forEach((write, i) => {
      const word = ['racingwombat', 'racingnarwhal', 'racingokapi'][i] as string;
      if (write.status === 'fulfilled') expect(texts).toContain(`a ${word} note`);
      else {
        expect(write.reason).toBeInstanceOf(LockedError);
        expect(texts).not.toContain(`a ${word} note`);
      }
    });
  });
});

describe('damaged sealed data', () => {
  test('a sealed record altered on disk fails unlock whole and leaves everything sealed', async () => {
    const store = await filledStore();
    await store.lock.enable('pass phrase', FAST);
    await store.lock.lock();
    // Flip one ciphertext byte of one memory, as someone editing the database file would.
    const db = store.connection.db as unknown as IDBPDatabase;
    const [sealed] = (await db.getAll('memories')) as { id: string; sealed: Uint8Array }[];
    if (!sealed) throw new Error('no sealed memory');
    sealed.sealed[20] = (sealed.sealed[20] ?? 0) ^ 1;
    await db.put('memories', sealed);
    const damaged = await dumpDatabase(store.name);

    await expect(store.lock.unlock('pass phrase')).rejects.toMatchObject({ name: 'TamperedExportError', message: expect.stringContaining('memories') as string });
    expect(await dumpDatabase(store.name)).toEqual(damaged);
    expect(await store.lock.status()).toMatchObject({ locked: true });
  });
});
