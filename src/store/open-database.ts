// Opens an IndexedDB database from a given factory — the origin's or a Storage Bucket's (storage-place.ts) — with
// idb's wrappers. idb's own openDB always uses the global indexedDB, which would miss a database kept in a bucket.
import { wrap, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { PersonaDB } from './schema';

export type UpgradeTransaction = IDBPTransaction<PersonaDB, StoreNames<PersonaDB>[], 'versionchange'>;

export interface OpenCallbacks {
  /** The schema is older than `newVersion`: migrate inside `tx`; aborting it leaves the database as it was. */
  upgrade(db: IDBPDatabase<PersonaDB>, oldVersion: number, newVersion: number | null, tx: UpgradeTransaction): void;
  /** Another connection wants to upgrade or delete the database. */
  blocking(): void;
  /** The browser closed the connection (the database was deleted under it, or its storage was cleared). */
  terminated(): void;
}

export async function openDatabase(factory: IDBFactory, name: string, version: number, callbacks: OpenCallbacks): Promise<IDBPDatabase<PersonaDB>> {
  const request = factory.open(name, version);
  request.addEventListener('upgradeneeded', (event) => {
    // The versionchange transaction exists for as long as this event's upgrade runs.
    const tx = request.transaction as IDBTransaction;
    callbacks.upgrade(wrap(request.result) as unknown as IDBPDatabase<PersonaDB>, event.oldVersion, event.newVersion, wrap(tx) as unknown as UpgradeTransaction);
  });
  const db = (await wrap(request)) as unknown as IDBPDatabase<PersonaDB>;
  db.addEventListener('versionchange', () => {
    callbacks.blocking();
  });
  db.addEventListener('close', () => {
    callbacks.terminated();
  });
  return db;
}
