// The staging store holds an import's validated records until the one transaction that applies them, so a file
// that turns out bad halfway leaves the user's data untouched. Staging rows are Persona's bookkeeping, invisible
// to listeners, so they are written in plain transactions rather than through connection.write, which would number
// a change no one is told about and make every listener think it missed one.
import type { IDBPObjectStore, IDBPTransaction } from 'idb';
import { StoreClosedError } from '../../core/errors';
import { storageError, type StoreConnection } from '../connection';
import type { MetaRecord, PersonaDB, StagedRecord, StagedStore } from '../schema';

// Modest transactions: large enough that 100k events stage in a few hundred commits, small enough that no single
// one holds much memory (segment rows can be megabytes each).
const MAX_ROWS_PER_TX = 500;
const MAX_BYTES_PER_TX = 8 * 1024 * 1024;

/** Every staging row of one import: keys are [importId, n]. */
export function importRange(importId: string): IDBKeyRange {
  return IDBKeyRange.bound([importId, -Infinity], [importId, Infinity]);
}

export class StagingWriter {
  #rows: StagedRecord[] = [];
  #bytes = 0;
  #n = 0;

  constructor(
    private readonly connection: StoreConnection,
    readonly importId: string,
  ) {}

  async add(store: StagedStore, value: unknown, bytes: number): Promise<void> {
    this.#rows.push({ importId: this.importId, n: this.#n++, store, value });
    this.#bytes += bytes;
    if (this.#rows.length >= MAX_ROWS_PER_TX || this.#bytes >= MAX_BYTES_PER_TX) await this.flush();
  }

  async flush(): Promise<void> {
    const rows = this.#rows;
    if (rows.length === 0) return;
    this.#rows = [];
    this.#bytes = 0;
    await inStagingTx(this.connection, async (store, lock) => {
      // Sealed like the content they will become while the lock is on (see lock/field-seal.ts).
      await Promise.all(rows.map((row) => store.put(this.connection.atRest('staging', row, lock))));
    });
  }
}

/** Removes one import's rows, or with no id every row: what a crashed import left behind. */
export async function clearStaging(connection: StoreConnection, importId?: string): Promise<void> {
  await inStagingTx(connection, async (store) => {
    await (importId === undefined ? store.clear() : store.delete(importRange(importId)));
  });
}

export async function stagedCount(connection: StoreConnection, importId?: string): Promise<number> {
  const store = connection.read(['staging']).objectStore('staging');
  return importId === undefined ? store.count() : store.count(importRange(importId));
}

type StagingStore = IDBPObjectStore<PersonaDB, ['staging', 'meta'], 'staging', 'readwrite'>;

/** `work` gets the staging store and the lock record as this transaction reads it. */
async function inStagingTx(connection: StoreConnection, work: (store: StagingStore, lock: MetaRecord | undefined) => Promise<void>): Promise<void> {
  if (connection.closed) throw new StoreClosedError();
  let tx: IDBPTransaction<PersonaDB, ['staging', 'meta'], 'readwrite'> | undefined;
  try {
    tx = connection.db.transaction(['staging', 'meta'], 'readwrite');
    await work(tx.objectStore('staging'), await tx.objectStore('meta').get('lock'));
    await tx.done;
  } catch (error) {
    try {
      tx?.abort();
    } catch {
      // Already finished or aborted by the browser: nothing more to undo.
    }
    await tx?.done.catch(() => undefined);
    throw storageError(error);
  }
}
