// The lock in real Chromium, through createPersona() (the engine in its worker): once it is enabled, and whether
// locked or not, the raw IndexedDB database — every object store, every key and value, strings and bytes — holds
// none of the user's distinctive words; a wrong passphrase is WrongPassphraseError and leaves the raw data as it
// was; record() while locked is LockedError and writes nothing; a Persona opened on locked data starts, and unlock
// restores a full export equal to the one taken before locking. Closed while unlocked, the text stays sealed; a
// tab opened meanwhile is handed the key.
import { expect, test } from 'vitest';
import { LockedError, WrongPassphraseError } from '../../../src/core/errors';
import type { Persona } from '../../../src/persona';
import { fullExport, personaOpener } from '../../support/personas';
import { dumpDatabase, foundIn } from '../../support/raw-idb-scan';

const NAME = `persona-lock-${crypto.randomUUID()}`;
const PASSPHRASE = 'violet lantern over the harbour';
// Lower-case single words, so the keyword index holds them verbatim too.
const SECRETS = ['quokkaquartz', 'zanzibarlentil', 'marzipanvolcano', 'periwinkleoboe', 'tangerinefjord', 'sepiaharpsichord'] as const;
const open = personaOpener(NAME);
/** The first test's Persona: the second locks through it (it holds the key) before reopening. */
let firstPersona: Persona | undefined;

test('locked data is unreadable in IndexedDB; a wrong passphrase changes nothing; unlock restores everything', async () => {
  const persona = await open();
  firstPersona = persona;
  const events = await persona.record([
    { kind: 'note', text: `I keep a ${SECRETS[0]} on my desk`, metadata: { shelf: SECRETS[1] } },
    { kind: 'search', text: 'weather tomorrow' },
  ]);
  await persona.memories.add({ text: `Plays the ${SECRETS[2]} on Sundays` });
  await persona.profile.setPreference('music', SECRETS[3]);
  await persona.profile.editSummary(`A person who loves ${SECRETS[4]}`);
  await persona.feedback(events[0]?.id ?? 'answer', 'edit', { editedText: `mention ${SECRETS[5]}` });
  // The background embedder has written the vectors before the "before" picture is taken.
  await expect.poll(async () => (await persona.status()).intelligence, { timeout: 60_000 }).toMatchObject({ phase: 'ready', pending: 0 });

  const before = await fullExport(persona);
  const plain = await dumpDatabase(NAME);
  // The scan sees what is there: every secret is readable in the plain database.
  expect(foundIn(plain, SECRETS)).toEqual([...SECRETS]);
  expect(plain.records['segments']?.values.length).toBeGreaterThanOrEqual(2);

  expect(await persona.lock.enable(PASSPHRASE)).toEqual({ enabled: true, locked: false, keyHeld: true, autoLockMs: null });
  // Unlocked, the text is already sealed at rest (field by field), and everything reads as before.
  expect(foundIn(await dumpDatabase(NAME), [...SECRETS, PASSPHRASE])).toEqual([]);
  expect(await fullExport(persona)).toEqual(before);
  expect(await persona.lock.lock()).toEqual({ enabled: true, locked: true, keyHeld: false, autoLockMs: null });
  expect((await persona.status()).locked).toBe(true);

  const locked = await dumpDatabase(NAME);
  expect(locked.stores).toEqual(plain.stores);
  expect(foundIn(locked, [...SECRETS, PASSPHRASE])).toEqual([]);
  // Still there, sealed: the same records under the same keys.
  for (const store of ['events', 'segments', 'memories', 'profile', 'feedback']) expect(locked.records[store]?.keys).toEqual(plain.records[store]?.keys);

  await expect(persona.lock.unlock('not the passphrase')).rejects.toBeInstanceOf(WrongPassphraseError);
  expect(await dumpDatabase(NAME)).toEqual(locked);

  await expect(persona.record({ kind: 'note', text: 'written while locked' })).rejects.toBeInstanceOf(LockedError);
  await expect(persona.events.list()).rejects.toBeInstanceOf(LockedError);
  await expect(persona.profile.get()).rejects.toBeInstanceOf(LockedError);
  await expect(persona.export()).rejects.toBeInstanceOf(LockedError);
  expect(await dumpDatabase(NAME)).toEqual(locked);

  expect(await persona.lock.unlock(PASSPHRASE)).toEqual({ enabled: true, locked: false, keyHeld: true, autoLockMs: null });
  const restored = await fullExport(persona);
  expect(new Set(restored.map((record) => (record as { type: string }).type))).toEqual(new Set(['event', 'memory', 'profile', 'feedback', 'segment', 'end']));
  expect(restored).toEqual(before);
  // Back in its unlocked form: the text still sealed at rest, the same records under the same keys.
  const after = await dumpDatabase(NAME);
  expect(foundIn(after, [...SECRETS, PASSPHRASE])).toEqual([]);
  for (const store of ['events', 'segments', 'memories', 'profile', 'feedback']) expect(after.records[store]?.keys, store).toEqual(plain.records[store]?.keys);
  for (const store of ['tombstones', 'settings']) expect(after.records[store], store).toEqual(plain.records[store]);
  expect((await persona.retrieve(SECRETS[0])).hits.map((hit) => hit.id)).toContain(events[0]?.id);
});

test('a Persona opened on locked data starts, refuses content, and unlocks into a working engine', async () => {
  const first = firstPersona as Persona;
  await first.lock.lock();
  await first.close();

  const persona = await open();
  expect((await persona.status()).locked).toBe(true);
  expect(await persona.lock.status()).toEqual({ enabled: true, locked: true, keyHeld: false, autoLockMs: null });
  await expect(persona.memories.list()).rejects.toBeInstanceOf(LockedError);
  await expect(persona.record({ kind: 'note', text: 'x' })).rejects.toBeInstanceOf(LockedError);
  expect(foundIn(await dumpDatabase(NAME), SECRETS)).toEqual([]);

  await persona.lock.unlock(PASSPHRASE);
  expect((await persona.status()).locked).toBe(false);
  expect((await persona.memories.list()).map((m) => m.text)).toEqual([`Plays the ${SECRETS[2]} on Sundays`]);
  expect((await persona.retrieve(SECRETS[0])).hits.length).toBeGreaterThan(0);
  await persona.record({ kind: 'note', text: 'written after unlocking' });

  expect(await persona.lock.disable(PASSPHRASE)).toEqual({ enabled: false, locked: false, keyHeld: false, autoLockMs: null });
  expect(foundIn(await dumpDatabase(NAME), SECRETS)).toEqual([...SECRETS]);
});

test('closed while unlocked, the text stays sealed at rest; a tab opened meanwhile is handed the key', async () => {
  const name = `${NAME}-unlocked`;
  const persona = await open(name);
  await persona.record({ kind: 'note', text: `Bought a ${SECRETS[0]} today` });
  await expect.poll(async () => (await persona.status()).intelligence, { timeout: 60_000 }).toMatchObject({ phase: 'ready', pending: 0 });
  await persona.lock.enable(PASSPHRASE);

  // Another tab (its own engine worker) opened while unlocked: no passphrase asked, its writes sealed too.
  const second = await open(name);
  await expect.poll(async () => (await second.status()).locked, { timeout: 30_000 }).toBe(false);
  expect(await second.lock.status()).toEqual({ enabled: true, locked: false, keyHeld: true, autoLockMs: null });
  await second.record({ kind: 'note', text: `The ${SECRETS[1]} arrived` });
  await expect.poll(async () => (await persona.retrieve(SECRETS[1])).hits.length, { timeout: 30_000 }).toBeGreaterThan(0);
  await expect.poll(async () => (await second.status()).intelligence, { timeout: 60_000 }).toMatchObject({ phase: 'ready', pending: 0 });
  expect(foundIn(await dumpDatabase(name), SECRETS)).toEqual([]);

  // The browser closes while unlocked: nothing seals at unload, and nothing needs to.
  await second.close();
  await persona.close();
  const closed = await dumpDatabase(name);
  expect(foundIn(closed, [...SECRETS, PASSPHRASE])).toEqual([]);

  const reopened = await open(name);
  expect((await reopened.status()).locked).toBe(true);
  expect(await reopened.lock.status()).toEqual({ enabled: true, locked: true, keyHeld: false, autoLockMs: null });
  await expect(reopened.events.list()).rejects.toBeInstanceOf(LockedError);
  await reopened.lock.unlock(PASSPHRASE);
  expect((await reopened.status()).locked).toBe(false);
  expect((await reopened.events.list()).events.map((event) => event.text).sort()).toEqual([`Bought a ${SECRETS[0]} today`, `The ${SECRETS[1]} arrived`]);
  expect((await reopened.retrieve(SECRETS[0])).hits.length).toBeGreaterThan(0);
  // Taking the key back rewrote nothing.
  expect(foundIn(await dumpDatabase(name), SECRETS)).toEqual([]);
});

test('auto-lock: page calls count as use; after the idle time without use the worker seals the data by itself', async () => {
  const persona = await open(`persona-autolock-${crypto.randomUUID()}`);
  await persona.record({ kind: 'note', text: `my ${SECRETS[0]} collection` });
  await persona.lock.enable(PASSPHRASE);
  expect((await persona.lock.autoLock(3_000)).autoLockMs).toBe(3_000);
  // Used every 200 ms for longer than the idle time: it stays unlocked. (Status reads are not use.)
  const until = Date.now() + 4_500;
  while (Date.now() < until) {
    await persona.profile.get();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect((await persona.lock.status()).locked).toBe(false);
  // Then left alone: the worker, which holds the key since enable(), locks, and the page's status says so.
  await expect.poll(async () => (await persona.lock.status()).locked, { timeout: 20_000, interval: 250 }).toBe(true);
  await expect.poll(async () => (await persona.status()).locked, { timeout: 5_000 }).toBe(true);
  await expect(persona.record({ kind: 'note', text: 'x' })).rejects.toBeInstanceOf(LockedError);
  await persona.lock.unlock(PASSPHRASE);
  expect((await persona.retrieve(SECRETS[0])).hits.map((hit) => hit.event.text)).toContain(`my ${SECRETS[0]} collection`);
  expect((await persona.lock.status()).autoLockMs).toBe(3_000);
});
