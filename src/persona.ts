// createPersona(): Persona's engine for a page. The engine runs in a worker (workers/engine.worker.ts) so retrieval,
// embedding and the model never block the page; this object is its client. Streaming answers arrive piece by piece
// through a callback, an AbortSignal cancels a call in the worker, and named errors arrive as their own classes.
import { proxy, wrap, type Remote } from 'comlink';
import { StoreClosedError } from './core/errors';
import { bundledEmbedderAt } from './embed/embedder-config';
import type { FeedbackSignal } from './core/feedback';
import type { HistoryEvent, HistoryEventInput } from './core/history-event';
import type { RetrieveOptions } from './core/hybrid-retriever';
import type { MemoryInput } from './core/memory';
import type { ComposerMessage } from './core/prompt-composer';
import type { EmbedderSetting } from './engine/embedder-selection';
import type { EngineHost, EngineOpenOptions, HostStatus } from './engine/engine-host';
import type { Answer, ChatOptions, PersonaEngine, RankInput } from './engine/persona-engine';
import type { ModelLoadProgress } from './llm/chat-backend';
import type { ModelSpec } from './llm/model-spec';
import { remoteJob } from './platform/cancellable-jobs';
import { startModuleWorker } from './platform/module-worker';
import engineWorkerUrl from '../workers/engine.worker.ts?worker&url';
import { tokenRelay } from './platform/token-relay';
import { installNamedErrorTransfer } from './platform/named-error-transfer';
import { workerCrash } from './platform/worker-crash';
import { lifelineEnded, newLifelineName } from './platform/worker-lifeline';
import type { ChangeMessage } from './store/change-feed';
import type { EventQuery, RangeDeletion } from './store/events';
import type { MemoryPatch, MemoryQuery } from './store/memories';
import type { DownloadProgress } from './llm/model-file-cache';
import type { RetentionPolicy } from './store/retention';
import type { ExportOptions } from './store/transfer/export';
import type { ImportOptions } from './store/transfer/import';
import type { WipeOptions } from './store/transfer/wipe';

export interface PersonaOptions extends EngineOpenOptions {
  /** The engine worker, when the page starts it itself (e.g. from another bundle); default: Persona's own. */
  worker?: Worker;
}

export type PersonaStatus = HostStatus;

export class Persona {
  readonly #crashed: Promise<never>;
  #closed = false;

  private constructor(
    private readonly worker: Worker,
    private readonly host: Remote<EngineHost>,
    lifeline: Promise<void>,
  ) {
    this.#crashed = workerCrash(worker, 'engine', lifeline);
  }

  static async create(options: PersonaOptions = {}): Promise<Persona> {
    installNamedErrorTransfer();
    // A path for the embedder's model means the page's folder, not the engine worker's: resolve it here, and refuse a
    // bad one before any worker starts.
    if (options.embedderModels !== undefined) {
      options = { ...options, embedderModels: bundledEmbedderAt(options.embedderModels, typeof document === 'undefined' ? location.href : document.baseURI).localModelPath };
    }
    const { worker = startModuleWorker(engineWorkerUrl), ...open } = options;
    const host = wrap<EngineHost>(worker);
    // Calls to an engine worker that died fail with WorkerCrashedError instead of waiting forever.
    const name = newLifelineName('engine');
    try {
      await Promise.race([host.lifeline(name), workerCrash(worker, 'engine')]);
    } catch (error) {
      worker.terminate();
      throw error;
    }
    const persona = new Persona(worker, host, lifelineEnded(name));
    try {
      await persona.#call(host.open(open));
    } catch (error) {
      worker.terminate();
      throw error;
    }
    return persona;
  }

  /** Records one event or a batch (nothing while learning is paused: resolves with []). */
  record(input: HistoryEventInput | readonly HistoryEventInput[]): Promise<HistoryEvent[]> {
    return this.#call(this.host.record(Array.isArray(input) ? [...(input as readonly HistoryEventInput[])] : (input as HistoryEventInput)));
  }

  readonly events = {
    list: (query: EventQuery = {}) => this.#call(this.host.listEvents(query)),
    /** The events with these ids, in order; undefined where one no longer exists. */
    get: (ids: readonly string[]) => this.#call(this.host.getEvents([...ids])),
    /** Deletes one event or several at once, with what was derived from them; says what else went. */
    delete: (ids: string | readonly string[]) => this.#call(this.host.deleteEvent(typeof ids === 'string' ? ids : [...ids])),
    deleteRange: (range: RangeDeletion) => this.#call(this.host.deleteEventRange(range)),
  };

  retrieve(query: string, options: RetrieveOptions = {}) {
    return this.#call(this.host.retrieve(query, options));
  }

  /** Answers the conversation's last message from a personalized prompt; see PersonaEngine.chat. */
  async chat(conversation: readonly ComposerMessage[], options: ChatOptions = {}): Promise<Answer> {
    const { onToken, signal, ...rest } = options;
    const plain = conversation.map(({ role, content }) => ({ role, content }));
    const relay = onToken ? tokenRelay(onToken) : undefined;
    const answer = await remoteJob(signal, (jobId) => this.host.cancel(jobId), (jobId) => this.#call(this.host.chat(jobId, plain, rest, relay ? proxy(relay.piece) : undefined)));
    relay?.finish(answer.text);
    return answer;
  }

  /**
   * Orders the host's items for this user, on the device, each with its score parts and a reason ("because you rated
   * The Matrix highly"). Nothing about the user leaves: only the order and the reasons come back to the page.
   */
  rank(items: readonly RankInput[], options: Parameters<PersonaEngine['rank']>[1] = {}) {
    const { llmRerank, ...rest } = options;
    if (!llmRerank) return this.#call(this.host.rank('', [...items], rest));
    const { signal, ...rerank } = llmRerank;
    return remoteJob(signal, (jobId) => this.host.cancel(jobId), (jobId) => this.#call(this.host.rank(jobId, [...items], { ...rest, llmRerank: rerank })));
  }

  /** What the user said about an answer: 'up', 'down', 'edit' (with the edited text), 'regenerate', 'copy'. */
  feedback(answerId: string, signal: FeedbackSignal, extra: { editedText?: string; note?: string } = {}) {
    return this.#call(this.host.feedback(answerId, signal, extra));
  }

  readonly profile = {
    get: () => this.#call(this.host.profile()),
    /** Recomputes interests and style traits from the history (stored in the profile's traits). */
    updateInsights: () => this.#call(this.host.updateInsights()),
    /** Has the model write the summary again now (a user's edit is kept). */
    refreshSummary: (options: { signal?: AbortSignal } = {}) => remoteJob(options.signal, (jobId) => this.host.cancel(jobId), (jobId) => this.#call(this.host.refreshSummary(jobId))),
    /** Replaces the summary with the user's text; regeneration keeps it (see ProfileSummary.editedAt). */
    editSummary: (text: string) => this.#call(this.host.editSummary(text)),
    /** The persona match: the user's own share and the host's persona and global defaults' shares, in words too. */
    granularity: () => this.#call(this.host.granularity()),
    setPreference: (key: string, value: string) => this.#call(this.host.setPreference(key, value)),
    removePreference: (key: string) => this.#call(this.host.removePreference(key)),
  };

  readonly memories = {
    list: (query: MemoryQuery = {}) => this.#call(this.host.listMemories(query)),
    /** Has the model propose memories from the recent turns now (merged by policy; see PersonaEngine). */
    extract: (options: { signal?: AbortSignal } = {}) => remoteJob(options.signal, (jobId) => this.host.cancel(jobId), (jobId) => this.#call(this.host.extractMemories(jobId))),
    add: (input: MemoryInput) => this.#call(this.host.addMemory(input)),
    update: (id: string, patch: MemoryPatch) => this.#call(this.host.updateMemory(id, patch)),
    pin: (id: string, pinned = true) => this.#call(this.host.pinMemory(id, pinned)),
    delete: (id: string) => this.#call(this.host.deleteMemory(id)),
    history: (id: string) => this.#call(this.host.memoryHistory(id)),
  };

  readonly models = {
    /** The curated models with their fit on this device (runtime and why), download size and what is on the device. */
    catalogue: () => this.#call(this.host.modelCatalogue()),
    /** Downloads a catalogue model's GGUF with progress (bytes, %, speed, ETA); resumes a partial download. */
    download: (modelId: string, options: { onProgress?: (progress: DownloadProgress) => void; signal?: AbortSignal } = {}) =>
      remoteJob(options.signal, (jobId) => this.host.cancel(jobId), (jobId) =>
        this.#call(this.host.downloadModel(jobId, modelId, options.onProgress ? proxy(options.onProgress) : undefined)),
      ),
    /** Deletes everything of a catalogue model on the device. */
    delete: (modelId: string) => this.#call(this.host.deleteModel(modelId)),
    /** Bytes model files take, and the origin's usage and quota. */
    storage: () => this.#call(this.host.modelStorage()),
    /** Loads `spec` (one copy per browser: another tab's model is shared) with download progress. */
    load: (spec: ModelSpec, options: { onProgress?: (progress: ModelLoadProgress) => void; signal?: AbortSignal; contextTokens?: number } = {}) =>
      remoteJob(options.signal, (jobId) => this.host.cancel(jobId), (jobId) =>
        this.#call(this.host.loadModel(jobId, spec, options.contextTokens, options.onProgress ? proxy(options.onProgress) : undefined)),
      ),
  };

  readonly storage = {
    /** Events and their bytes, and the usage and quota of where they are kept (the origin, or Persona's bucket). */
    usage: () => this.#call(this.host.storageUsage()),
    /** Asks the browser to keep the data under storage pressure; resolves with whether it will. */
    persist: () => this.#call(this.host.requestPersistence()),
    /** Whether the browser keeps the data under storage pressure. */
    persisted: () => this.#call(this.host.persisted()),
    retention: () => this.#call(this.host.retention()),
    setRetention: (policy: RetentionPolicy | undefined) => this.#call(this.host.setRetention(policy)),
  };

  /**
   * The search model (embedder). The bundled offline model is the default; `choose({ model, remoteHost, dtype })`
   * opts into another (a MiniLM-class model from a hub or a self-hosted mirror; `null` goes back). The choice applies
   * when Persona next opens (the app reopens it at once): the history is then embedded again with it in the
   * background, resumably, and search keeps working meanwhile. A model that cannot load leaves the bundled one
   * running, and status().intelligence says which model was asked for and why it is not running.
   */
  readonly embedder = {
    choice: () => this.#call(this.host.embedderChoice()),
    choose: (setting: EmbedderSetting | null) => this.#call(this.host.chooseEmbedder(setting)),
  };

  readonly sources = {
    /** Sources that recorded events still in the history, sorted. */
    recorded: () => this.#call(this.host.recordedSources()),
    /** Sources the user opted out of. */
    blocked: () => this.#call(this.host.blockedSources()),
    /** Opts a source out (optionally deleting what it recorded) or back in. */
    setBlocked: (source: string, blocked: boolean, options: { deleteRecorded?: boolean } = {}) => this.#call(this.host.setSourceBlocked(source, blocked, options)),
  };

  /**
   * The opt-in lock: the history, memories, profile and feedback sealed at rest with a key derived from the user's
   * passphrase (never stored). While locked, content calls fail with LockedError; a wrong passphrase is
   * WrongPassphraseError and changes nothing. See SECURITY.md, "The lock".
   */
  readonly lock = {
    status: () => this.#call(this.host.lockStatus()),
    /** Sets the passphrase; the data stays unlocked until lock(). */
    enable: (passphrase: string, options: { iterations?: number } = {}) => this.#call(this.host.lockEnable(passphrase, options)),
    /** Seals everything; the passphrase is needed only if this Persona has not enabled or unlocked since it opened. */
    lock: (passphrase?: string) => this.#call(this.host.lockLock(passphrase)),
    unlock: (passphrase: string) => this.#call(this.host.lockUnlock(passphrase)),
    /** Unlocks if needed and removes the passphrase. */
    disable: (passphrase: string) => this.#call(this.host.lockDisable(passphrase)),
    /**
     * Locks by itself after `idleMs` without use of Persona in any tab (1 s to 7 days), or never with null. Only a
     * tab that enabled or unlocked the lock holds the key to seal without the passphrase, so that tab does it.
     */
    autoLock: (idleMs: number | null) => this.#call(this.host.lockAutoLock(idleMs)),
  };

  /** The user's data as an NDJSON stream (optionally passphrase-encrypted); see docs/export-format.md. */
  export(options: ExportOptions = {}): Promise<ReadableStream<Uint8Array>> {
    return this.#call(this.host.exportData(options));
  }

  /** What importing `file` would change, without changing anything. */
  previewImport(file: Blob, options: ImportOptions = {}) {
    return this.#call(this.host.previewImport(file, options));
  }

  import(file: Blob, options: ImportOptions = {}) {
    return this.#call(this.host.importData(file, options));
  }

  /** Deletes everything Persona keeps on this device and closes this object (create a new one after). */
  async wipe(options: WipeOptions = {}) {
    const report = await this.#call(this.host.wipe(options));
    this.#closed = true;
    this.worker.terminate();
    return report;
  }

  /** Learning stops: nothing is recorded (events, chats) until resume(). */
  pause(): Promise<PersonaStatus> {
    return this.#call(this.host.pause());
  }

  resume(): Promise<PersonaStatus> {
    return this.#call(this.host.resume());
  }

  status(): Promise<PersonaStatus> {
    return this.#call(this.host.status());
  }

  /** Status changes: pause, the model, embedding progress. */
  async subscribe(listener: (status: PersonaStatus) => void): Promise<void> {
    await this.#call(this.host.onStatus(proxy(listener)));
  }

  /** Every committed change to the user's data, from any tab or worker. */
  async onChange(listener: (message: ChangeMessage) => void): Promise<void> {
    await this.#call(this.host.onChange(proxy(listener)));
  }

  /** Closes the engine (its tab's model moves to another tab if one is open) and stops the worker. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#call(this.host.close()).catch(() => undefined);
    this.#closed = true;
    this.worker.terminate();
  }

  #call<T>(pending: Promise<T>): Promise<T> {
    // A terminated worker never answers: refuse rather than wait forever.
    if (this.#closed) return Promise.reject(new StoreClosedError('this Persona was closed'));
    return Promise.race([pending, this.#crashed]);
  }
}

/** Opens Persona for one user of this origin: the store, the embedder, retrieval, and the shared local model. */
export function createPersona(options: PersonaOptions = {}): Promise<Persona> {
  return Persona.create(options);
}
