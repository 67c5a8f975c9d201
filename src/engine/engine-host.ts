// The engine as its worker exposes it over comlink (workers/engine.worker.ts): one user's store, the embedder and
// retrieval (HistoryIntelligence), the model (shared by every tab of the origin through SharedChatBackend) and the
// PersonaEngine over them. Signals and callbacks cannot cross the boundary as they are: calls that stream or can be
// cancelled carry a job id, and callbacks arrive as comlink proxies.
import { InvalidInputError } from '../core/errors';
import type { FeedbackSignal } from '../core/feedback';
import type { HistoryEventInput } from '../core/history-event';
import type { RetrieveOptions } from '../core/hybrid-retriever';
import type { MemoryInput } from '../core/memory';
import type { ComposerMessage } from '../core/prompt-composer';
import type { BackendKind, ChatBackend, ModelLoadProgress } from '../llm/chat-backend';
import type { ModelSpec } from '../llm/model-spec';
import { SharedChatBackend } from '../llm/shared-chat-backend';
import { CancellableJobs } from '../platform/cancellable-jobs';
import { installNamedErrorTransfer } from '../platform/named-error-transfer';
import type { ChangeMessage } from '../store/change-feed';
import type { EventQuery, RangeDeletion } from '../store/events';
import type { MemoryPatch, MemoryQuery } from '../store/memories';
import { PersonaStore } from '../store/persona-store';
import { HistoryIntelligence, type IntelligenceStatus } from './history-intelligence';
import { PersonaEngine, type ChatOptions, type EngineStatus, type PersonaEngineOptions } from './persona-engine';

export interface EngineOpenOptions {
  /** The user's database (default 'persona'). */
  name?: string;
  /** The lock and channel the tabs' shared model goes by (default 'persona-llm'). */
  modelChannel?: string;
  /** Which runtime runs the model when this tab leads (default 'wllama'; see chooseBackend for the device's best). */
  runtime?: BackendKind;
  /** Persona and global defaults for cold start (see PersonaEngineOptions.priors). */
  priors?: PersonaEngineOptions['priors'];
}

/** What the engine reports to the page: its own status and the embedder's. */
export interface HostStatus extends EngineStatus {
  intelligence: IntelligenceStatus;
}

export type HostChatOptions = Omit<ChatOptions, 'onToken' | 'signal'>;

export class EngineHost {
  #store: PersonaStore | undefined;
  #intelligence: HistoryIntelligence | undefined;
  #engine: PersonaEngine | undefined;
  #backend: SharedChatBackend | undefined;
  #intelligenceStatus: IntelligenceStatus = { phase: 'loading', embedded: 0, pending: 0 };
  readonly #jobs = new CancellableJobs();
  readonly #statusListeners = new Set<(status: HostStatus) => void>();

  /** `runtimes` build the model runtime this worker runs when its tab leads (see SharedChatBackend). */
  constructor(private readonly runtimes: Partial<Record<BackendKind, () => ChatBackend>>) {
    installNamedErrorTransfer();
  }

  async open({ name, modelChannel, runtime = 'wllama', priors }: EngineOpenOptions = {}): Promise<HostStatus> {
    const createLocal = this.runtimes[runtime];
    if (!createLocal) throw new InvalidInputError('runtime', `${runtime} is not available in this build`);
    const store = await PersonaStore.open(name ? { name } : {});
    const intelligence = new HistoryIntelligence(store, (status) => {
      this.#intelligenceStatus = status;
      this.#emit();
    });
    await intelligence.start();
    const retrieval = intelligence.retrieval;
    if (!retrieval) {
      store.close();
      throw new Error(this.#intelligenceStatus.problem ?? 'retrieval could not start');
    }
    this.#backend = new SharedChatBackend({ ...(modelChannel ? { name: modelChannel } : {}), createLocal });
    this.#store = store;
    this.#intelligence = intelligence;
    const embedder = intelligence.embedder;
    this.#engine = new PersonaEngine({ store, retrieval, backend: this.#backend, ...(embedder ? { embedder } : {}), ...(priors ? { priors } : {}) });
    this.#engine.subscribe(() => {
      this.#emit();
    });
    return this.status();
  }

  status(): HostStatus {
    const engine = this.#engine;
    return { ...(engine ? engine.status() : { paused: false, model: undefined, backend: undefined }), intelligence: this.#intelligenceStatus };
  }

  /** Status changes (pause, model, embedding progress); returns nothing: the page keeps the proxy until close. */
  onStatus(listener: (status: HostStatus) => void): void {
    this.#statusListeners.add(listener);
  }

  /** The store's change feed, so the page redraws on any write (this tab's, other tabs', workers'). */
  onChange(listener: (message: ChangeMessage) => void): void {
    this.#require().store.subscribe(listener);
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

  deleteEvent(id: string) {
    return this.#require().store.events.delete(id);
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

  cancel(jobId: string): void {
    this.#jobs.cancel(jobId);
  }

  profile() {
    return this.#require().store.profile.get();
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
    this.#engine?.stop();
    this.#intelligence?.stop();
    await this.#backend?.close();
    this.#store?.close();
    this.#engine = undefined;
  }

  #require(): PersonaEngine {
    if (!this.#engine) throw new Error('The engine is not open: call open() first');
    return this.#engine;
  }

  #emit(): void {
    const status = this.status();
    for (const listener of this.#statusListeners) listener(status);
  }

}
