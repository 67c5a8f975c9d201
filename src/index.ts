// Persona's public API: the one module the app, the widget and host pages import. Everything here is stable to
// build on; anything not exported here is internal and may change without notice.

// ── The store: everything Persona keeps about one user, in this browser's IndexedDB ────────────────────────────
/** Opens (and creates or upgrades) one user's database; `record`, `events`, `memories`, `profile`, … live on it. */
export { PersonaStore } from './store/persona-store';
/** Options for `PersonaStore.open`; `CloseReason` says why a connection closed on its own. */
export type { CloseReason, StoreOptions } from './store/connection';
/** The change feed: every committed write, from this tab, other tabs and workers. */
export type { ChangeListener, ChangeMessage, ChangeOp, StoreChange } from './store/change-feed';
/** Reading and deleting history. */
export type { EventPage, EventQuery, RangeDeletion } from './store/events';
/** What a deletion removed, including memories that lost a source. */
export type { CascadeResult } from './store/cascade';
export type { MemoryPatch, MemoryQuery } from './store/memories';
export type { SummaryWrite } from './store/profile';
export type { FeedbackInput } from './store/feedback';
/** Limits after which the oldest, least valuable events are deleted; off unless set. */
export type { RetentionPolicy } from './store/retention';

// ── Domain types ─────────────────────────────────────────────────────────────────────────────────────────────────
/** An interaction as a host hands it to `record()`, and as Persona stores it. */
export type { EmbedState, EventKind, HistoryEvent, HistoryEventInput, MessageRole } from './core/history-event';
/** The kinds of event and message roles Persona accepts. */
export { EVENT_KINDS, MESSAGE_ROLES } from './core/history-event';
/** Size limits every recorded event is checked against (text length, batch size, metadata shape). */
export { DEFAULT_EVENT_LIMITS, type EventLimits } from './core/event-validation';
/** Facts about the user, each with its provenance and change history. */
export type { Memory, MemoryAuthor, MemoryInput, MemoryRevision } from './core/memory';
/** Explicit preferences, the summary and traits. */
export type { Preference, Profile, ProfileSummary } from './core/profile';
/** What the user said about an answer. */
export { FEEDBACK_SIGNALS, type Feedback, type FeedbackSignal } from './core/feedback';
export type { JsonObject, JsonPrimitive, JsonValue } from './core/json';
/** What persona.lock.status() says. */
export type { LockStatus } from './store/lock/lock-store';

// ── Errors: branch on `instanceof` or `name`; each message says what to do ─────────────────────────────────────
export {
  ImportFormatError,
  InvalidEventError,
  InvalidInputError,
  LockedError,
  PassphraseRequiredError,
  PersonaError,
  QuotaExceededStorageError,
  SegmentIntegrityError,
  StoreClosedError,
  StoreVersionError,
  TamperedExportError,
  WrongPassphraseError,
  EmbedderLoadError,
  GenerationError,
  ModelDownloadError,
  ModelHostNotAllowedError,
  ModelLoadError,
  ModelNotLoadedError,
  ModelUnsupportedError,
  WebGPUUnavailableError,
  WorkerCrashedError,
  StorageBlockedError,
  WidgetFrameGoneError,
  WidgetFrameTimeoutError,
  WidgetMessageError,
} from './core/errors';

// ── Retrieval over the user's history (the engine API of a later step wraps these) ─────────────────────────────
/** The embedder port, the bundled offline model's configuration, and the worker-hosted embedder. */
export type { Embedder, EmbedProgress } from './embed/embedder';
export { BUNDLED_EMBEDDER, embedderModelId, type EmbedderConfig } from './embed/embedder-config';
export { PendingEmbedder } from './embed/pending-embedder';
export { WorkerEmbedder } from './embed/worker-embedder';
export type { ModelLoadProgress } from './embed/transformers-embedder';
/** Drains the embedding queue; the hybrid index over the history, kept current from the change feed. */
export { EmbeddingIndexer, type DrainResult, type IndexingProgress } from './engine/embedding-indexer';
export { EmbeddingQueue } from './store/embedding-queue';
export { HistoryRetrieval, type RetrievalResult, type RetrievedItem } from './engine/history-retrieval';
/** The embedder worker, the queue drained in the background, and retrieval, started together. */
export { HistoryIntelligence, type IntelligenceStatus } from './engine/history-intelligence';
export type { EmbedderSetting } from './engine/embedder-selection';
export type { RetrieveOptions } from './core/hybrid-retriever';

// ── The engine: retrieval, personalized prompting and the local model together ─────────────────────────────────
/** Opens Persona for the page: the engine in its worker, with the store, embedder, retrieval and shared model. */
export { createPersona, Persona, type PersonaOptions, type PersonaStatus } from './persona';
export type { EngineOpenOptions, HostStatus } from './engine/engine-host';
/** chat() retrieves from the user's history, composes a personalized prompt and answers with provenance. */
export { PersonaEngine, type Answer, type ChatOptions, type EngineStatus, type LlmRerankOptions, type PersonaEngineOptions, type RankInput, type RankPriors } from './engine/persona-engine';
/** A ranked item; with `llmRerank`, the top few carry what the model did. */
export type { RerankedItem } from './engine/llm-reranker';
/** On-device ranking for host sites, its fold-in, and what each ranked item carries. */
export { rankItems, type RankedItem, type RankOptions } from './core/ranking';
/** Host personas for ranking, matched to the user on the device. */
export { matchRankPersona, type PersonaMatch, type RankPersona } from './core/rank-persona';
export { foldInUserFactor } from './core/fold-in';
/** The prompt composer on its own, and the stated token estimate it uses without a tokenizer. */
export { composePrompt, DEFAULT_INSTRUCTIONS, escapeUserData, type ComposeBudget, type ComposedPrompt, type ComposeInput, type ComposerEvidence, type ProvenanceItem } from './core/prompt-composer';
export { estimateTokens } from './core/token-estimate';

// ── The local LLM: one chat port, runtimes behind it, and the choice of runtime for this device ──────────────────
/** The chat port every runtime implements (messages in, streamed pieces out, abort, usage, JSON output). */
export type { BackendKind, ChatBackend, ChatMessage, ChatResult, ChatRole, ChatUsage, GenerateOptions, JsonSchema, LoadOptions, ModelLoadProgress as ChatModelLoadProgress } from './llm/chat-backend';
export type { GgufSource, MlcSource, ModelSpec } from './llm/model-spec';
/** llama.cpp (wllama) in a worker: start `new Worker(new URL('persona/workers/wllama.worker', …))` and connect. */
export { WorkerChatBackend } from './llm/worker-chat-backend';
/** web-llm on WebGPU (its engine runs in workers/web-llm.worker.ts). */
export { WebLlmBackend } from './llm/web-llm-backend';
/** Model files on the device (OPFS): resumable downloads with progress, list, delete. */
export { ModelFileCache, type CachedModelFile, type DownloadOptions, type DownloadProgress } from './llm/model-file-cache';
/** The model manager's data: catalogue with fit, downloads, what is cached, delete, storage. */
export { ModelManager, type ModelEntry, type ModelManagerOptions, type ModelStorage } from './llm/model-manager';
/** One model per browser: tabs share the leading tab's model. */
export { SharedChatBackend, type SharedChatBackendOptions } from './llm/shared-chat-backend';
/** Chrome's built-in model (Prompt API), where the browser offers it. */
export { PromptApiBackend } from './llm/prompt-api-backend';
/** What this device can run, and which runtime answers (and why). */
export { detectCapabilities, detectWebGpu } from './llm/capabilities';
export type { DeviceCapabilities, PromptApiAvailability, WebGpuCapability } from './core/device-capabilities';
export { chooseBackend, llamaThreads, type BackendChoice, type BackendOption, type ModelNeeds } from './core/backend-choice';
/** The curated models, their files at the hub or a self-hosted base URL. */
export { findModel, MODEL_CATALOGUE, modelSpecFor, needsOf, type CatalogueModel, type ModelHost } from './llm/model-catalogue';
/** The widget's isolated mode, host side: the engine in an iframe from Persona's origin, reached over postMessage. */
export { connectIsolated, type ConnectIsolatedOptions } from './widget/isolated/connect-isolated';
