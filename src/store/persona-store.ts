// Everything Persona keeps about one user, behind one object: open it, use its parts, close or wipe it.
import { LockedError } from '../core/errors';
import type { HistoryEvent, HistoryEventInput } from '../core/history-event';
import type { ChangeListener } from './change-feed';
import { StoreConnection, type StoreOptions } from './connection';
import { EventLog } from './events';
import { FeedbackStore } from './feedback';
import { LockStore } from './lock/lock-store';
import { MemoryStore } from './memories';
import { ProfileStore } from './profile';
import { RetentionPolicyStore } from './retention';
import { SegmentStore, postingsSpace } from './segments';
import { SettingsStore } from './settings';
import { exportData, type ExportOptions } from './transfer/export';
import { importData, previewImport, type ImportOptions, type ImportPreview, type ImportReport } from './transfer/import';
import { wipeAll, type WipeOptions, type WipeReport } from './transfer/wipe';

export class PersonaStore {
  readonly events: EventLog;
  readonly segments: SegmentStore;
  readonly memories: MemoryStore;
  readonly profile: ProfileStore;
  readonly feedback: FeedbackStore;
  readonly settings: SettingsStore;
  readonly retention: RetentionPolicyStore;
  /** The opt-in lock: content sealed at rest with a passphrase. */
  readonly lock: LockStore;

  private constructor(readonly connection: StoreConnection) {
    this.events = new EventLog(connection);
    this.segments = new SegmentStore(connection);
    this.memories = new MemoryStore(connection);
    this.profile = new ProfileStore(connection);
    this.feedback = new FeedbackStore(connection);
    this.settings = new SettingsStore(connection);
    this.retention = new RetentionPolicyStore(connection, this.settings);
    this.lock = new LockStore(connection);
  }

  static async open(options: StoreOptions = {}): Promise<PersonaStore> {
    return new PersonaStore(await StoreConnection.open(options));
  }

  get name(): string {
    return this.connection.name;
  }

  /** Names this database in cross-tab channels and locks: its name, qualified by its storage bucket if it has one. */
  get channelKey(): string {
    return this.connection.channelKey;
  }

  /** Records one event or a batch (one transaction), then applies the retention policy if one is set. */
  record(input: HistoryEventInput): Promise<HistoryEvent>;
  record(inputs: readonly HistoryEventInput[]): Promise<HistoryEvent[]>;
  async record(input: HistoryEventInput | readonly HistoryEventInput[]): Promise<HistoryEvent | HistoryEvent[]> {
    const batch: readonly HistoryEventInput[] = isBatch(input) ? input : [input];
    const stored = await this.events.record(batch);
    try {
      await this.retention.apply();
      const tokenizer = this.connection.tokenizer;
      if (tokenizer) await this.segments.compactIfFragmented(postingsSpace(tokenizer.id));
    } catch (error) {
      // Locked since the events were written (and sealed with the rest): they are stored, so record() succeeded;
      // the upkeep runs again after the next record.
      if (!(error instanceof LockedError)) throw error;
    }
    return isBatch(input) ? stored : (stored[0] as HistoryEvent);
  }

  /** Hears every committed write of this database, from this connection and from other tabs and workers. */
  subscribe(listener: ChangeListener): () => void {
    return this.connection.feed.subscribe(listener);
  }

  close(): void {
    this.connection.close();
  }

  /** Streams everything as an NDJSON export file (see docs/export-format.md), encrypted when a passphrase is given. */
  export(options: ExportOptions = {}): ReadableStream<Uint8Array> {
    // Refused at once rather than as a stream that fails at its first read.
    if (this.connection.locked) throw new LockedError('an export needs the data');
    return exportData(this.connection, options);
  }

  /** What import() would add, update and skip, without changing anything. */
  previewImport(source: Blob, options: ImportOptions = {}): Promise<ImportPreview> {
    if (this.connection.locked) return Promise.reject(new LockedError('an import needs the data'));
    return previewImport(this.connection, source, options);
  }

  /**
   * Validates the whole file, then applies it in one transaction; a bad file changes nothing. The retention policy,
   * if set, applies afterwards as it does after record().
   */
  async import(source: Blob, options: ImportOptions = {}): Promise<ImportReport> {
    // Refused before anything is staged; the import's own transaction would refuse it anyway.
    if (this.connection.locked) throw new LockedError('an import needs the data');
    const report = await importData(this.connection, source, options);
    await this.retention.apply();
    return report;
  }

  /** Closes the store and deletes its database and Persona's caches from this device. */
  wipe(options: WipeOptions = {}): Promise<WipeReport> {
    return wipeAll(this.connection, options);
  }
}

function isBatch(input: HistoryEventInput | readonly HistoryEventInput[]): input is readonly HistoryEventInput[] {
  return Array.isArray(input);
}
