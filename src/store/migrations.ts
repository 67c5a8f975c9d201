// Numbered schema steps. Step N turns a version N-1 database into version N inside the upgrade transaction, so an
// upgrade either completes whole or leaves the old database untouched. Never edit a released step: add one.
import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import { RETENTION_VALUE, approximateEventBytes, type HistoryEvent } from '../core/history-event';
import type { PersonaDB } from './schema';

type UpgradeTx = IDBPTransaction<PersonaDB, StoreNames<PersonaDB>[], 'versionchange'>;

export interface Migration {
  version: number;
  description: string;
  apply(db: IDBPDatabase<PersonaDB>, tx: UpgradeTx, now: number): Promise<void>;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'interaction history with time and kind indexes; settings; meta',
    apply(db) {
      const events = db.createObjectStore('events', { keyPath: 'id' });
      events.createIndex('by-ts', 'ts');
      events.createIndex('by-kind', ['kind', 'ts']);
      db.createObjectStore('settings', { keyPath: 'key' });
      db.createObjectStore('meta', { keyPath: 'key' });
      return Promise.resolve();
    },
  },
  {
    version: 2,
    description: 'event sources and item ids; memories, profile and feedback',
    async apply(db, tx) {
      const events = tx.objectStore('events');
      events.createIndex('by-source', ['source', 'ts']);
      events.createIndex('by-item', 'itemId');
      // Version 1 events had no source: they came from the app itself.
      for (let cursor = await events.openCursor(); cursor; cursor = await cursor.continue()) {
        const event = cursor.value as Partial<HistoryEvent>;
        if (event.source === undefined) await cursor.update({ ...cursor.value, source: 'app' });
      }
      const memories = db.createObjectStore('memories', { keyPath: 'id' });
      memories.createIndex('by-updated', 'updatedAt');
      memories.createIndex('by-source', 'sourceEventIds', { multiEntry: true });
      db.createObjectStore('profile', { keyPath: 'id' });
      const feedback = db.createObjectStore('feedback', { keyPath: 'id' });
      feedback.createIndex('by-answer', 'answerId');
      feedback.createIndex('by-ts', 'ts');
    },
  },
  {
    version: 3,
    description: 'vector and postings segments with tombstones; embedding queue; retention value and size; import staging',
    async apply(db, tx) {
      const segments = db.createObjectStore('segments', { keyPath: 'seq', autoIncrement: true });
      segments.createIndex('by-space', 'space');
      const tombstones = db.createObjectStore('tombstones', { keyPath: ['space', 'id'] });
      tombstones.createIndex('by-space', 'space');
      const staging = db.createObjectStore('staging', { keyPath: ['importId', 'n'] });
      staging.createIndex('by-import', 'importId');

      const events = tx.objectStore('events');
      events.createIndex('by-embed', ['embedState', 'ts']);
      events.createIndex('by-value', ['value', 'ts']);
      // Every existing event joins the embedding queue and gets its retention value and size; the totals seed the
      // stats record that keeps count() and the byte limit O(1) from now on.
      let count = 0;
      let bytes = 0;
      for (let cursor = await events.openCursor(); cursor; cursor = await cursor.continue()) {
        const old = cursor.value as Omit<HistoryEvent, 'embedState' | 'value' | 'bytes' | 'recordedAt'> &
          Partial<HistoryEvent>;
        const upgraded: Omit<HistoryEvent, 'bytes'> = {
          ...old,
          recordedAt: old.recordedAt ?? old.ts,
          embedState: 'pending',
          value: RETENTION_VALUE[old.kind],
        };
        const event: HistoryEvent = { ...upgraded, bytes: approximateEventBytes(upgraded) };
        count++;
        bytes += event.bytes;
        await cursor.update(event);
      }
      await tx.objectStore('meta').put({ key: 'stats', events: count, bytes });
      await tx.objectStore('meta').put({ key: 'changes', seq: 0 });
    },
  },
  {
    version: 4,
    description: "each conversation's messages in time order, for the context a message's vector carries",
    apply(_db, tx) {
      // Events without a sessionId are simply not in this index (IndexedDB skips records missing a key path).
      tx.objectStore('events').createIndex('by-session', ['sessionId', 'ts']);
      return Promise.resolve();
    },
  },
];

export const LATEST_VERSION = MIGRATIONS.length;

/** Runs the steps after `oldVersion` up to `newVersion` and records them in meta. */
export async function migrate(
  db: IDBPDatabase<PersonaDB>,
  tx: UpgradeTx,
  oldVersion: number,
  newVersion: number,
  now: number,
): Promise<void> {
  for (const step of MIGRATIONS) {
    if (step.version <= oldVersion || step.version > newVersion) continue;
    await step.apply(db, tx, now);
  }
  const meta = tx.objectStore('meta');
  const previous = await meta.get('schema');
  if (previous && previous.key !== 'schema') throw new Error('meta.schema holds another record');
  const history = [...(previous?.history ?? []), { version: newVersion, at: now }];
  await meta.put({ key: 'schema', version: newVersion, migratedAt: now, history });
}
