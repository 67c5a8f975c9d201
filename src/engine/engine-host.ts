// The engine as its worker exposes it over comlink (workers/engine.worker.ts): one user's store, the embedder and
// retrieval (HistoryIntelligence), the model (shared by every tab of the origin through SharedChatBackend) and the
// PersonaEngine over them. Signals and callbacks cannot cross the boundary as they are: calls that stream or can be
// cancelled carry a job id, and callbacks arrive as comlink proxies.
import { InvalidInputError, LockedError } from '../core/errors';
import type { FeedbackSignal } from '../core/feedback';
import type { HistoryEventInput } from '../core/history-event';
import type { RetrieveOptions } from '../core/hybrid-retriever';
import type { MemoryInput } from '../core/memory';
import type { ComposerMessage } from '../core/prompt-composer';
import type { BackendKind, ChatBackend, ModelLoadProgress } from '../llm/chat-backend';
import type { ModelSpec } from '../llm/model-spec';
import { SharedChatBackend } from '../llm/shared-chat-backend';
import { detectCapabilities } from '../llm/capabilities';
import type { DownloadProgress } from '../llm/model-file-cache';
import { ModelManager } from '../llm/model-manager';
import { BUNDLED_EMBEDDER, bundledEmbedderAt } from '../embed/embedder-config';
import type { RetentionPolicy } from '../store/retention';
import type { ExportOptions } from '../store/transfer/export';
import type { ImportOptions } from '../store/transfer/import';
import type { WipeOptions } from '../store/transfer/wipe';
import { transfer } from 'comlink';
import { CancellableJobs } from '../platform/cancellable-jobs';
import { installNamedErrorTransfer } from '../platform/named-error-transfer';
import type { ChangeMessage } from '../store/change-feed';
import type { EventQuery, RangeDeletion } from '../store/events';
import type { MemoryPatch, MemoryQuery } from '../store/memories';
import type { CloseReason } from '../store/connection';
import type { LockStatus } from '../store/lock/lock-store';
import { chooseEmbedder, embedderChoice, type EmbedderSetting } from './embedder-selection';
import { IdleLock } from './idle-lock';
import { checkModelHost } from '../llm/model-hosts';
import { PersonaStore } from '../store/persona-store';
import type { StorageBucketOptions } from '../store/storage-place';
import { HistoryIntelligence, type IntelligenceStatus } from './history-intelligence';
import { PersonaEngine, type ChatOptions, type EngineStatus, type PersonaEngineOptions, type LlmRerankOptions, type RankInput } from './persona-engine';
import { holdLifeline } from '../platform/worker-lifeline';

export interface EngineOpenOptions {
  /** The user's database (default 'persona'). */
  name?: string;
  /** The lock and channel the tabs' shared model goes by (default 'persona-llm'). */
  modelChannel?: string;
  /** Which runtime runs the model when this tab leads (default 'wllama'; see chooseBackend for the device's best). */
  runtime?: BackendKind;
  /** Persona and global defaults for cold start (see PersonaEngineOptions.priors). */
  priors?: PersonaEngineOptions['priors'];
  /**
   * The folder the bundled embedder model (`persona-glove-100d/`) is served from, an absolute path on the app's origin;
   * default '/models/'. createPersona() also takes a path relative to the page, or a URL on the page's origin.
   */
  embedderModels?: string;
  /**
   * Keep the user's data in this Storage Bucket instead of the origin's default storage: the browser then holds
   * Persona to the bucket's quota and evicts it apart from the site's own data. Every tab must name the same bucket.
   */
  storage?: StorageBucketOptions;
}

/** What the engine reports to the page: its own status and the embedder's. */
export interface HostStatus extends EngineStatus {
  intelligence: IntelligenceStatus;
  /**
   * Set when the database was taken from this engine: 'versionchange' when another tab upgraded (a newer Persona)
   * or deleted it, 'terminated' when the browser closed it. The page should offer a reload.
   */
  closedBy?: Exclude<CloseReason, 'closed'>;
  /** The user's data is sealed at rest (persona.lock): content calls fail with LockedError until unlock. */
  locked: boolean;
}

export type HostChatOptions = Omit<ChatOptions, 'onToken' | 'signal'>;
/** rank()'s options as they cross to the worker: the re-ranking's signal becomes the job id. */
export type HostRankOptions = Omit<NonNullable<Parameters<PersonaEngine['rank']>[1]>, 'llmRerank'> & { llmRerank?: Omit<LlmRerankOptions, 'signal'> };

/** Calls that are not the user's use of Persona: status reads, subscriptions, the worker's own lifecycle. */
export const QUIET_CALLS: ReadonlySet<string> = new Set(['open', 'close', 'status', 'onStatus', 'onChange', 'lockStatus', 'lifeline', 'touch']);

export class EngineHost {
  #store: PersonaStore | undefined;
  #intelligence: HistoryIntelligence | undefined;
  #engine: PersonaEngine | undefined;
  #backend: SharedChatBackend | undefined;
  #intelligenceStatus: IntelligenceStatus = { phase: 'loading', embedded: 0, pending: 0 };
  readonly #jobs = new CancellableJobs();
  #manager: Promise<ModelManager> | undefined;
  readonly #statusListeners = new Set<(status: HostStatus) => void>();
  #closedBy: HostStatus['closedBy'];
  /** Set when the database was locked at open: the engine starts at the first unlock (it needs the history). */
  #startWhenUnlocked: (() => Promise<void>) | undefined;
  /** The held-back start while it runs (see #startHeldBack). */
  #starting: Promise<void> | undefined;
  /** Seals the data after the user's auto-lock time without use (see idle-lock.ts). */
  #idleLock: IdleLock | undefined;

  /** `runtimes` build the model runtime this worker runs when its tab leads (see SharedChatBackend). */
  constructor(private readonly runtimes: Partial<Record<BackendKind, () => ChatBackend>>) {
    installNamedErrorTransfer();
  }

  async open({ name, modelChannel, runtime = 'wllama', priors, embedderModels, storage }: EngineOpenOptions = {}): Promise<HostStatus> {
    const createLocal = this.runtimes[runtime];
    if (!createLocal) throw new InvalidInputError('runtime', `${runtime} is not available in this build`);
    // Checked before anything opens. An absolute path only: the worker's own URL is no base the page meant
    // (createPersona resolves the page's value first).
    const bundled = embedderModels === undefined ? BUNDLED_EMBEDDER : bundledEmbedderAt(embedderModels);
    const store = await PersonaStore.open({
      ...(name ? { name } : {}),
      ...(storage ? { storage } : {}),
      // Another tab upgrading or deleting the database takes it from this one: the page must hear of it to offer a
      // reload, rather than meet StoreClosedError at the next click.
      onClose: (reason) => {
        if (reason === 'closed') return;
        this.#closedBy = reason;
        this.#emit();
      },
    });
    this.#store = store;
    const idleLock = new IdleLock(store.lock, `persona-activity:${store.channelKey}`, () => {
      this.#emit();
    });
    this.#idleLock = idleLock;
    await idleLock.refresh();
    // The auto-lock time may change in any tab, and an unlock starts the idle time again.
    store.subscribe((message) => {
      const lockRecord = message.changes.some((change) => change.store === 'meta' && change.ids?.includes('lock') !== false);
      if (lockRecord || message.lifecycle === 'unlocked') void idleLock.refresh();
      // Handed the key by a tab that has unlocked (key-share.ts): the engine held back at open starts now.
      if (message.lifecycle === 'unlocked' && this.#startWhenUnlocked && !store.connection.locked) {
        this.#startHeldBack().catch((error: unknown) => {
          console.error('Persona could not start after the data was unlocked', error);
        });
      }
    });
    const start = () => this.#start(store, bundled, createLocal, modelChannel, priors);
    if (store.connection.locked) this.#startWhenUnlocked = start;
    else {
      try {
        await start();
      } catch (error) {
        // Locked from another tab while starting: the engine waits for the unlock, as if it had opened locked.
        if (!(error instanceof LockedError)) throw error;
        this.#startWhenUnlocked = start;
      }
    }
    return this.status();
  }

  status(): HostStatus {
    const engine = this.#engine;
    return {
      ...(engine ? engine.status() : { paused: false, model: undefined, backend: undefined }),
      intelligence: this.#intelligenceStatus,
      ...(this.#closedBy ? { closedBy: this.#closedBy } : {}),
      // Also while the engine the lock held back is still starting: content calls would fail until it has.
      locked: (this.#store?.connection.locked ?? false) || this.#startWhenUnlocked !== undefined || this.#starting !== undefined,
    };
  }

  async #start(store: PersonaStore, bundled: typeof BUNDLED_EMBEDDER, createLocal: () => ChatBackend, modelChannel: string | undefined, priors: PersonaEngineOptions['priors']): Promise<void> {
    const intelligence = new HistoryIntelligence(store, (status) => {
      this.#intelligenceStatus = status;
      this.#emit();
    }, bundled);
    await intelligence.start();
    const retrieval = intelligence.retrieval;
    if (!retrieval && store.connection.locked) {
      // Locked again (another tab, the auto-lock) while it loaded: not a failure of the store. Start again at unlock.
      intelligence.stop();
      throw new LockedError('the data was locked while the engine started');
    }
    if (!retrieval) {
      store.close();
      throw new Error(this.#intelligenceStatus.problem ?? 'retrieval could not start');
    }
    this.#backend = new SharedChatBackend({ ...(modelChannel ? { name: modelChannel } : {}), createLocal });
    this.#intelligence = intelligence;
    const embedder = intelligence.embedder;
    this.#engine = new PersonaEngine({ store, retrieval, backend: this.#backend, ...(embedder ? { embedder } : {}), ...(priors ? { priors } : {}) });
    this.#engine.subscribe(() => {
      this.#emit();
    });
  }

  /** Status changes (pause, model, embedding progress); returns nothing: the page keeps the proxy until close. */
  onStatus(listener: (status: HostStatus) => void): void {
    this.#statusListeners.add(listener);
  }

  /** The store's change feed, so the page redraws on any write (this tab's, other tabs', workers'). */
  onChange(listener: (message: ChangeMessage) => void): void {
    this.#requireStore().subscribe(listener);
  }

  // ── The lock: content sealed at rest with the user's passphrase (store/lock/lock-store.ts) ────────────────────
  lockStatus(): Promise<LockStatus> {
    return this.#requireStore().lock.status();
  }

  async lockEnable(passphrase: string, options: { iterations?: number } = {}): Promise<LockStatus> {
    return this.#requireStore().lock.enable(passphrase, options);
  }

  /**
   * Seals the data in one transaction. Background work (embedding, idle extraction) that was reading meets
   * LockedError at its next store call and stops; it resumes after unlock.
   */
  async lockLock(passphrase?: string): Promise<LockStatus> {
    const status = await this.#requireStore().lock.lock(passphrase);
    this.#emit();
    return status;
  }

  /** Restores the data; when the engine could not start because the data was locked at open, it starts now. */
  async lockUnlock(passphrase: string): Promise<LockStatus> {
    return this.#opened(await this.#requireStore().lock.unlock(passphrase));
  }

  /** The idle time after which the data locks by itself (null: only when asked); see IdleLock. */
  async lockAutoLock(idleMs: number | null): Promise<LockStatus> {
    const status = await this.#requireStore().lock.setAutoLock(idleMs);
    await this.#idleLock?.refresh();
    return status;
  }

  /** The page used Persona (any call but status reads): the auto-lock's idle time starts again. */
  touch(): void {
    this.#idleLock?.touch();
  }

  async lockDisable(passphrase: string): Promise<LockStatus> {
    return this.#opened(await this.#requireStore().lock.disable(passphrase));
  }

  /** After the data was opened (unlocked or the lock turned off): the engine starts if the lock had held it back. */
  async #opened(status: LockStatus): Promise<LockStatus> {
    await this.#startHeldBack();
    this.#emit();
    return status;
  }

  /**
   * Starts the engine the lock held back at open, once: an unlock's own call and the unlock announcement share one
   * start. A start that fails may be tried again at the next unlock.
   */
  #startHeldBack(): Promise<void> {
    const start = this.#startWhenUnlocked;
    if (!start) return this.#starting ?? Promise.resolve();
    this.#startWhenUnlocked = undefined;
    const starting = start()
      .catch((error: unknown) => {
        this.#startWhenUnlocked ??= start;
        throw error;
      })
      .finally(() => {
        if (this.#starting === starting) this.#starting = undefined;
        this.#emit();
      });
    this.#starting = starting;
    return starting;
  }

  async loadModel(jobId: string, spec: ModelSpec, contextTokens: number | undefined, onProgress?: (progress: ModelLoadProgress) => void): Promise<HostStatus> {
    const engine = this.#require();
    const backend = this.#backend as SharedChatBackend;
    await this.#jobs.run(jobId, (signal) => backend.load(spec, { signal, ...(onProgress ? { onProgress } : {}) }));
    engine.useBackend(backend, contextTokens ?? spec.contextSize);
    return this.status();
  }

  record(input: HistoryEventInput | HistoryEventInput[]) {
    return this.#require().record(input);
  }

  listEvents(query: EventQuery = {}) {
    return this.#require().store.events.list(query);
  }

  /** The events with these ids, in the same order (undefined where one is gone): provenance and memory sources. */
  getEvents(ids: string[]) {
    return this.#require().store.events.getMany(ids);
  }

  /** One event, or several in one transaction (a selection): one cascade, one change message. */
  deleteEvent(ids: string | string[]) {
    return this.#require().store.events.delete(ids);
  }

  deleteEventRange(range: RangeDeletion) {
    return this.#require().store.events.deleteRange(range);
  }

  retrieve(query: string, options: RetrieveOptions = {}) {
    return this.#require().retrieve(query, options);
  }

  chat(jobId: string, conversation: ComposerMessage[], options: HostChatOptions = {}, onToken?: (piece: string) => void) {
    const engine = this.#require();
    return this.#jobs.run(jobId, (signal) => engine.chat(conversation, { ...options, signal, ...(onToken ? { onToken } : {}) }));
  }

  feedback(answerId: string, signal: FeedbackSignal, extra: { editedText?: string; note?: string } = {}) {
    return this.#require().feedback(answerId, signal, extra);
  }

  // ── Storage, sources, data ────────────────────────────────────────────────────────────────────────────────────
  async storageUsage() {
    const store = this.#require().store;
    const [events, bytes, estimate] = await Promise.all([store.events.count(), store.events.bytes(), store.connection.place.estimate().catch(() => undefined)]);
    return { events, eventBytes: bytes, ...(estimate?.usage === undefined ? {} : { usageBytes: estimate.usage }), ...(estimate?.quota === undefined ? {} : { quotaBytes: estimate.quota }) };
  }

  /** Asks the browser to keep Persona's data (the origin's, or its bucket's) under storage pressure; resolves with whether it will. */
  async requestPersistence(): Promise<boolean> {
    return this.#require().store.connection.place.persist();
  }

  /** Whether the browser keeps Persona's data under storage pressure. */
  async persisted(): Promise<boolean> {
    return this.#require().store.connection.place.persisted();
  }

  retention() {
    return this.#require().store.retention.get();
  }

  setRetention(policy: RetentionPolicy | undefined) {
    return this.#require().store.retention.set(policy);
  }

  // ── The search model the user opted into (embedder-selection.ts); it applies at the next open ──────────────────
  embedderChoice(): Promise<EmbedderSetting | undefined> {
    return embedderChoice(this.#requireStore().settings);
  }

  /** Refuses a host outside this build's model hosts up front, naming the setting (the CSP would block it anyway). */
  async chooseEmbedder(setting: EmbedderSetting | null): Promise<EmbedderSetting | undefined> {
    const settings = this.#requireStore().settings;
    if (setting?.remoteHost !== undefined) checkModelHost(setting.remoteHost);
    await chooseEmbedder(settings, setting ?? undefined);
    return embedderChoice(settings);
  }

  async blockedSources(): Promise<string[]> {
    return [...(await this.#require().blockedSources())].sort();
  }

  /** Sources that recorded something still in the history (what the user can opt out of). */
  recordedSources(): Promise<string[]> {
    return this.#require().store.events.sources();
  }

  setSourceBlocked(source: string, blocked: boolean, options: { deleteRecorded?: boolean } = {}) {
    return this.#require().setSourceBlocked(source, blocked, options);
  }

  /** The export as a stream, transferred to the page (it never passes through a string in memory). */
  exportData(options: ExportOptions = {}) {
    const stream = this.#require().store.export(options);
    return transfer(stream, [stream]);
  }

  previewImport(file: Blob, options: ImportOptions = {}) {
    return this.#require().store.previewImport(file, options);
  }

  importData(file: Blob, options: ImportOptions = {}) {
    return this.#require().store.import(file, options);
  }

  /** Deletes everything Persona keeps on this device; the engine closes (open a new one after). */
  async wipe(options: WipeOptions = {}) {
    // Wiping needs no passphrase: a locked history can still be deleted.
    const store = this.#requireStore();
    this.#engine?.stop();
    this.#intelligence?.stop();
    const report = await store.wipe(options);
    await this.close();
    return report;
  }

  // ── Models ─────────────────────────────────────────────────────────────────────────────────────────────────────
  #models(): Promise<ModelManager> {
    this.#manager ??= detectCapabilities().then((capabilities) => ModelManager.open({ capabilities }));
    return this.#manager;
  }

  async modelCatalogue() {
    return (await this.#models()).entries();
  }

  async downloadModel(jobId: string, modelId: string, onProgress?: (progress: DownloadProgress) => void) {
    const manager = await this.#models();
    await this.#jobs.run(jobId, (signal) => manager.download(modelId, { signal, ...(onProgress ? { onProgress } : {}) }));
  }

  async deleteModel(modelId: string) {
    await (await this.#models()).delete(modelId);
  }

  async modelStorage() {
    return (await this.#models()).storage();
  }

  /** With `llmRerank`, the model's part can be cancelled by `jobId` (an AbortSignal cannot cross to the worker). */
  rank(jobId: string, items: RankInput[], options: HostRankOptions = {}) {
    const engine = this.#require();
    const { llmRerank, ...rest } = options;
    if (!llmRerank) return engine.rank(items, rest);
    return this.#jobs.run(jobId, (signal) => engine.rank(items, { ...rest, llmRerank: { ...llmRerank, signal } }));
  }

  updateInsights() {
    return this.#require().updateInsights();
  }

  refreshSummary(jobId: string) {
    const engine = this.#require();
    return this.#jobs.run(jobId, (signal) => engine.refreshSummary(signal));
  }

  extractMemories(jobId: string) {
    const engine = this.#require();
    return this.#jobs.run(jobId, (signal) => engine.extractMemories(signal));
  }

  /** Holds the named lock while this worker lives, so its owner learns when it is gone (worker-lifeline.ts). */
  lifeline(name: string): Promise<void> {
    return holdLifeline(name);
  }

  cancel(jobId: string): void {
    this.#jobs.cancel(jobId);
  }

  profile() {
    return this.#require().store.profile.get();
  }

  /** The user's own summary text: kept over the model's until the user edits again. */
  editSummary(text: string) {
    return this.#require().store.profile.setSummary({ text, by: 'user' });
  }

  granularity() {
    return this.#require().granularity();
  }

  setPreference(key: string, value: string) {
    return this.#require().store.profile.setPreference(key, value);
  }

  removePreference(key: string) {
    return this.#require().store.profile.removePreference(key);
  }

  listMemories(query: MemoryQuery = {}) {
    return this.#require().store.memories.list(query);
  }

  addMemory(input: MemoryInput) {
    return this.#require().store.memories.add(input);
  }

  updateMemory(id: string, patch: MemoryPatch) {
    return this.#require().store.memories.update(id, patch);
  }

  pinMemory(id: string, pinned: boolean) {
    return this.#require().store.memories.pin(id, pinned);
  }

  deleteMemory(id: string) {
    return this.#require().store.memories.delete(id);
  }

  memoryHistory(id: string) {
    return this.#require().store.memories.history(id);
  }

  pause(): HostStatus {
    this.#require().pause();
    return this.status();
  }

  resume(): HostStatus {
    this.#require().resume();
    return this.status();
  }

  async close(): Promise<void> {
    this.#idleLock?.close();
    this.#engine?.stop();
    this.#intelligence?.stop();
    await this.#backend?.close();
    this.#store?.close();
    this.#engine = undefined;
  }

  #require(): PersonaEngine {
    if (!this.#engine && this.#startWhenUnlocked) throw new LockedError('the engine starts when the data is unlocked');
    if (!this.#engine && this.#starting) throw new LockedError('the engine is starting: the data was just unlocked');
    if (!this.#engine) throw new Error('The engine is not open: call open() first');
    return this.#engine;
  }

  #requireStore(): PersonaStore {
    if (!this.#store) throw new Error('The engine is not open: call open() first');
    return this.#store;
  }

  #emit(): void {
    const status = this.status();
    for (const listener of this.#statusListeners) listener(status);
  }

}
