// A database written by every earlier schema version, with data, opens in this build and loses nothing.
import { openDB } from 'idb';
import { describe, expect, test } from 'vitest';
import { StoreVersionError } from '../../../src/core/errors';
import { RETENTION_VALUE, approximateEventBytes, type EventKind, type HistoryEvent } from '../../../src/core/history-event';
import { StoreConnection } from '../../../src/store/connection';
import { LATEST_VERSION, MIGRATIONS } from '../../../src/store/migrations';
import { PersonaStore } from '../../../src/store/persona-store';
import { uniqueName } from '../../support/store';

const T0 = Date.UTC(2025, 6, 1);

/** Writes data the way the build of schema `version` stored it, bypassing today's API (whose shapes differ). */
async function writeFixture(name: string, version: number): Promise<void> {
  const connection = await StoreConnection.open({ name, version });
  connection.close();
  // Raw, untyped access: these are the old shapes, not today's types.
  const db = await openDB(name, version);
  const tx = db.transaction([...db.objectStoreNames], 'readwrite');
  let bytes = 0;
  for (let i = 0; i < 25; i++) {
    const event: Record<string, unknown> = { id: `v${version}-${i}`, ts: T0 + i, kind: i % 2 ? 'view' : 'note', text: `written by v${version} #${i}` };
    if (i === 3) Object.assign(event, { itemId: 'item-3', rating: 4, metadata: { nested: { ok: true } } });
    if (version >= 2) event.source = 'host:old';
    // Version 3 gave every event its queue state, retention value and size, and kept the totals in meta.
    if (version >= 3) {
      const upgraded = { ...event, recordedAt: event.ts, embedState: 'pending', value: RETENTION_VALUE[event.kind as EventKind] } as Omit<HistoryEvent, 'bytes'>;
      Object.assign(event, upgraded, { bytes: approximateEventBytes(upgraded) });
      bytes += event.bytes as number;
    }
    await tx.objectStore('events').put(event);
  }
  if (version >= 3) await tx.objectStore('meta').put({ key: 'stats', events: 25, bytes });
  await tx.objectStore('settings').put({ key: 'theme', value: 'dark', updatedAt: T0 });
  if (version >= 2) {
    await tx.objectStore('memories').put({
      id: 'm1', text: 'vegetarian', sourceEventIds: [`v${version}-0`], confidence: 0.9, pinned: true,
      createdAt: T0, updatedAt: T0, history: [{ at: T0, text: 'vegetarian', confidence: 0.9, pinned: true, by: 'user', reason: 'created' }],
    });
    await tx.objectStore('profile').put({ id: 'user', preferences: { diet: { value: 'vegetarian', updatedAt: T0 } }, traits: {}, updatedAt: T0 });
    await tx.objectStore('feedback').put({ id: 'f1', answerId: 'a1', signal: 'up', ts: T0 });
  }
  await tx.done;
  db.close();
}

describe('migrations', () => {
  test('are numbered 1..N without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: LATEST_VERSION }, (_, i) => i + 1));
  });

  for (let version = 1; version < LATEST_VERSION; version++) {
    test(`upgrade a version ${version} database with data to version ${LATEST_VERSION}`, async () => {
      const name = uniqueName(`v${version}`);
      await writeFixture(name, version);
      const store = await PersonaStore.open({ name });
      try {
        expect(store.connection.db.version).toBe(LATEST_VERSION);
        expect(await store.events.count()).toBe(25);
        const all = (await store.events.list({ order: 'asc', limit: 100 })).events;
        expect(all.map((e) => e.id)).toEqual(Array.from({ length: 25 }, (_, i) => `v${version}-${i}`));
        for (const event of all) {
          expect(event.text).toMatch(/^written by v/);
          expect(event.source).toBe(version >= 2 ? 'host:old' : 'app');
          expect(event.embedState).toBe('pending');
          expect(event.bytes).toBeGreaterThan(0);
          expect(event.value).toBe(event.kind === 'view' ? 0 : 2);
        }
        expect(all[3]).toMatchObject({ itemId: 'item-3', rating: 4, metadata: { nested: { ok: true } } });
        expect(await store.events.bytes()).toBe(all.reduce((sum, e) => sum + e.bytes, 0));
        expect(await store.settings.get('theme')).toBe('dark');
        // New indexes work on migrated rows.
        expect((await store.events.list({ kind: 'view', limit: 100 })).events).toHaveLength(12);
        if (version >= 2) {
          expect((await store.memories.get('m1'))?.text).toBe('vegetarian');
          expect((await store.profile.get()).preferences.diet?.value).toBe('vegetarian');
          expect(await store.feedback.list('a1')).toHaveLength(1);
        }
        // The store is fully usable after the upgrade.
        await store.record({ kind: 'note', text: 'after upgrade' });
        expect(await store.events.count()).toBe(26);
        const schema = await store.connection.read(['meta']).objectStore('meta').get('schema');
        expect(schema).toMatchObject({ key: 'schema', version: LATEST_VERSION });
      } finally {
        store.close();
      }
    });
  }

  test('a database from a newer build is refused with a named error', async () => {
    const name = uniqueName('future');
    const db = await openDB(name, LATEST_VERSION + 5, { upgrade: (d) => d.createObjectStore('events') });
    db.close();
    const error = await PersonaStore.open({ name }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreVersionError);
    expect((error as StoreVersionError).found).toBe(LATEST_VERSION + 5);
  });

  test('an open connection steps aside for another one upgrading, and says so', async () => {
    const name = uniqueName('blocking');
    const reasons: string[] = [];
    const old = await StoreConnection.open({ name, version: 1, onClose: (reason) => reasons.push(reason) });
    const upgraded = await PersonaStore.open({ name });
    expect(upgraded.connection.db.version).toBe(LATEST_VERSION);
    expect(reasons).toEqual(['versionchange']);
    expect(old.closed).toBe(true);
    expect(() => old.read(['events'])).toThrow(/another tab is upgrading/);
    upgraded.close();
  });
});
