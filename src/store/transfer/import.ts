// Imports an export file in two phases so that a bad file changes nothing: first the whole file is streamed
// (decrypted when encrypted), checked line by line and staged; only when its end record checks out is everything
// applied in one transaction. Any failure deletes the import's staging rows and leaves the user's data as it was.
import type { StoreConnection } from '../connection';
import { applyImport, emptyReport, previewStaged, type ImportMode, type ImportPreview, type ImportReport } from './apply';
import { PassphraseRequiredError } from '../../core/errors';
import { ENCRYPTED_MAGIC_BYTES, decryptStream, isEncryptedPrefix } from './encryption';
import { MAX_LINE_BYTES, type ExportHeader } from './format';
import { readLines } from './lines';
import { ExportChecker } from './records';
import { StagingWriter, clearStaging } from './staging';

export interface ImportOptions {
  /** Needed when the file is encrypted; ignored when it is not. */
  passphrase?: string;
  /** 'merge' (default) keeps what is here and adds the file's data; 'replace' makes the store hold the file's data only. */
  mode?: ImportMode;
}

export type { ImportMode, ImportPreview, ImportReport } from './apply';

export async function importData(connection: StoreConnection, source: Blob, options: ImportOptions = {}): Promise<ImportReport> {
  return withStagedFile(connection, source, options, (importId, report) => applyImport(connection, importId, report));
}

/** What importData would add, update and skip, without changing the user's data. */
export async function previewImport(connection: StoreConnection, source: Blob, options: ImportOptions = {}): Promise<ImportPreview> {
  return withStagedFile(connection, source, options, (importId, report) => previewStaged(connection, importId, report));
}

async function withStagedFile<T>(
  connection: StoreConnection,
  source: Blob,
  options: ImportOptions,
  use: (importId: string, report: ImportReport) => Promise<T>,
): Promise<T> {
  // One import at a time per database, across tabs and workers: each import starts by clearing stale staging rows,
  // which must never be another tab's import in progress.
  return whileNoImport(connection.channelKey, () => stageAndUse(connection, source, options, use));
}

/**
 * Runs `work` while no import of this database runs, in any tab or worker (and keeps imports waiting until it ends):
 * imports hold this Web Lock from staging to applying, and the lock's changes of form, which rewrite the staging
 * rows, take it too. (Web Locks exist in browsers; Node tests are one process.)
 */
export function whileNoImport<T>(channelKey: string, work: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  return locks ? (locks.request(`persona-import:${channelKey}`, work) as Promise<T>) : work();
}

async function stageAndUse<T>(
  connection: StoreConnection,
  source: Blob,
  options: ImportOptions,
  use: (importId: string, report: ImportReport) => Promise<T>,
): Promise<T> {
  // Rows left by an import that crashed (tab closed mid-import) would otherwise stay forever.
  await clearStaging(connection);
  const importId = crypto.randomUUID();
  try {
    const { header, encrypted } = await stageFile(connection, source, importId, options.passphrase);
    return await use(importId, emptyReport(options.mode ?? 'merge', encrypted, header));
  } finally {
    // After an applied import its rows are gone already; after a preview or a failure this removes them.
    await clearStaging(connection, importId).catch(() => undefined);
  }
}

async function stageFile(
  connection: StoreConnection,
  source: Blob,
  importId: string,
  passphrase: string | undefined,
): Promise<{ header: ExportHeader; encrypted: boolean }> {
  const encrypted = isEncryptedPrefix(new Uint8Array(await source.slice(0, ENCRYPTED_MAGIC_BYTES).arrayBuffer()));
  if (encrypted && passphrase === undefined) throw new PassphraseRequiredError();
  const bytes: ReadableStream<Uint8Array> = source.stream();
  const plaintext = encrypted && passphrase !== undefined ? bytes.pipeThrough(decryptStream(passphrase)) : bytes;
  const checker = new ExportChecker(connection.limits);
  const staging = new StagingWriter(connection, importId);
  let lines = 0;
  for await (const line of readLines(plaintext, MAX_LINE_BYTES)) {
    lines = line.number;
    const record = checker.check(line);
    if (record) await staging.add(record.store, record.value, line.bytes);
  }
  const header = checker.finish(lines);
  await staging.flush();
  return { header, encrypted };
}
