// What an import does to the user's stores, decided row by row by one function that both the import and its
// preview use: the preview asks it in readonly transactions, the import asks it and acts on the answer inside the
// single transaction that applies the whole file.
import { SegmentIntegrityError } from '../../core/errors';
import type { EventFacets, HistoryEvent } from '../../core/history-event';
import { describeChange } from '../change-feed';
import type { StoreConnection, TxWith, WriteTx } from '../connection';
import { USER_DATA_STORES, type PersonaStoreName, type SegmentRecord, type Setting, type StagedRecord, type StagedStore } from '../schema';
import { readStats, writeStats } from '../stats';
import { TYPE_OF, zeroCounts, type ExportHeader, type TypeCounts } from './format';
import { importRange } from './staging';
import { spaceConflict, writePostings } from '../segments';

export type ImportMode = 'merge' | 'replace';

/**
 * What an import did, per record type (or, from previewImport, what it would do).
 * merge: an event whose id exists is skipped as it is; memories, feedback, settings and profiles with an existing
 * key are updated (replaced by the imported record); segments are always added.
 * replace: the user's stores are cleared first, so everything is added.
 */
export interface ImportReport {
  mode: ImportMode;
  encrypted: boolean;
  header: ExportHeader;
  added: TypeCounts;
  updated: TypeCounts;
  skipped: TypeCounts;
}

/** The same counts as an ImportReport, computed without changing anything. */
export type ImportPreview = ImportReport;

type Outcome = 'added' | 'updated' | 'skipped';
type UserStore = (typeof USER_DATA_STORES)[number];

const PREVIEW_CHUNK = 500;

export async function applyImport(connection: StoreConnection, importId: string, report: ImportReport): Promise<ImportReport> {
  const stores = [...USER_DATA_STORES, 'staging'] as const;
  return connection.write(stores, async (tx, changes) => {
    let stats = await readStats(tx);
    if (report.mode === 'replace') {
      for (const store of USER_DATA_STORES) {
        await tx.objectStore(store).clear();
        changes.push(describeChange(store, 'clear'));
      }
      stats = { events: 0, bytes: 0 };
    }
    const touched = new Map<PersonaStoreName, Set<string>>();
    const staging = tx.objectStore('staging');
    const tokenizer = connection.tokenizer;
    const embedder = await tx.objectStore('meta').get('embedder');
    const activeModel = embedder?.key === 'embedder' ? embedder.model : undefined;
    const keywordDocuments: { id: string; terms: ReadonlyMap<string, number>; facets: EventFacets }[] = [];
    for (let cursor = await staging.openCursor(importRange(importId)); cursor; cursor = await cursor.continue()) {
      const row = cursor.value;
      const outcome = await outcomeOf(tx, row, report.mode);
      report[outcome][TYPE_OF[row.store]]++;
      if (outcome === 'skipped') continue;
      if (row.store === 'events') {
        // Events join the embedding queue unless the file brings their vectors from the model this device uses;
        // otherwise they would claim vectors that never serve its searches.
        const event = row.value as HistoryEvent;
        const usable = report.header.includes.vectors && (activeModel === undefined || event.embedModel === activeModel);
        if (!usable && event.embedState === 'done') {
          const { embedModel: _dropped, ...rest } = event;
          row.value = { ...rest, embedState: 'pending' };
        }
      }
      const key = await put(tx, row);
      if (row.store === 'events') {
        const event = row.value as HistoryEvent;
        stats = { events: stats.events + 1, bytes: stats.bytes + event.bytes };
        if (tokenizer) {
          keywordDocuments.push({ id: event.id, terms: tokenizer.termFrequencies(event.text), facets: { ts: event.ts, kind: event.kind, source: event.source } });
        }
      }
      const keys = touched.get(row.store) ?? new Set<string>();
      touched.set(row.store, keys.add(key));
    }
    // Imported events get keyword postings like recorded ones (a file's own postings segments, if any, are
    // superseded by these identical ones).
    if (tokenizer) await writePostings(tx, tokenizer.id, keywordDocuments, { now: connection.clock(), changes });
    await staging.delete(importRange(importId));
    await writeStats(tx, stats);
    for (const [store, keys] of touched) changes.push(describeChange(store, 'put', [...keys]));
    return report;
  }, 'imported');
}

/** Fills the report's counts from the staged rows without writing to the user's stores. */
export async function previewStaged(connection: StoreConnection, importId: string, report: ImportReport): Promise<ImportPreview> {
  let after = -Infinity;
  for (;;) {
    const tx = connection.read([...USER_DATA_STORES, 'staging']);
    const range = IDBKeyRange.bound([importId, after], [importId, Infinity], true, false);
    const rows = await tx.objectStore('staging').getAll(range, PREVIEW_CHUNK);
    for (const row of rows) report[await outcomeOf(tx, row, report.mode)][TYPE_OF[row.store]]++;
    const last = rows.at(-1);
    if (!last || rows.length < PREVIEW_CHUNK) return report;
    after = last.n;
  }
}

export function emptyReport(mode: ImportMode, encrypted: boolean, header: ExportHeader): ImportReport {
  return { mode, encrypted, header, added: zeroCounts(), updated: zeroCounts(), skipped: zeroCounts() };
}

/** Rows were validated before staging, so each value has its store's shape. */
async function outcomeOf<M extends IDBTransactionMode>(tx: TxWith<UserStore, M>, row: StagedRecord, mode: ImportMode): Promise<Outcome> {
  if (row.store === 'segments') {
    if (mode === 'merge') {
      // A clashing space is refused whole rather than mixed.
      const segment = row.value as SegmentRecord;
      const clash = await spaceConflict(tx, segment);
      if (clash) {
        throw new SegmentIntegrityError(
          `Import refused: this device's ${segment.space} holds ${clash}, the file ${segment.model} of dimension ${segment.dim}. Nothing was changed; import with mode 'replace' or drop that space first.`,
        );
      }
    }
    return 'added';
  }
  if (mode === 'replace') return 'added';
  const exists = (await tx.objectStore(row.store).count(keyOf(row.store, row.value))) > 0;
  if (!exists) return 'added';
  // Events are history: the stored copy is the truth and an import never rewrites it.
  return row.store === 'events' ? 'skipped' : 'updated';
}

function keyOf(store: Exclude<StagedStore, 'segments'>, value: unknown): string {
  return store === 'settings' ? (value as Setting).key : (value as { id: string }).id;
}

/** Writes one staged row to its store and returns the key to announce (a segment announces its space). */
async function put(tx: WriteTx<UserStore>, row: StagedRecord): Promise<string> {
  if (row.store === 'segments') {
    // A fresh seq: appended after every existing segment, so no older tombstone hides it.
    await tx.objectStore('segments').add(row.value as SegmentRecord);
    return (row.value as SegmentRecord).space;
  }
  // Rows were validated against their store's shape when staged.
  await tx.objectStore(row.store).put(row.value as never);
  return keyOf(row.store, row.value);
}
