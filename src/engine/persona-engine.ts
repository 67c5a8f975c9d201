// The personalization engine: one object behind which the store, retrieval over the history, the prompt composer and
// the chat backend work together. chat() retrieves from the user's own history, composes a personalized prompt within
// the model's context (preferences > pinned memories > summary > history) and streams the local model's answer; the
// answer comes back with its id, the exact prompt, and the provenance of every piece of user data in it, pointing at
// stored events and memories. Unless learning is paused (or the chat is temporary), the question and the answer are
// recorded in one transaction afterwards, so an answer never cites itself.
import { ModelNotLoadedError } from '../core/errors';
import type { HistoryEvent, HistoryEventInput } from '../core/history-event';
import type { RetrieveOptions } from '../core/hybrid-retriever';
import { composePrompt, type ComposedPrompt, type ComposerEvidence, type ComposerMessage, type ProvenanceItem } from '../core/prompt-composer';
import { estimateTokens } from '../core/token-estimate';
import type { ChatBackend, ChatResult } from '../llm/chat-backend';
import { DEFAULT_CONTEXT_SIZE } from '../llm/model-spec';
import type { CascadeResult } from '../store/cascade';
import { rankItems, type RankCandidate, type RankOptions, type RatedItem } from '../core/ranking';
import type { RankPersona } from '../core/rank-persona';
import { checkRerankCount } from '../core/llm-rerank';
import { rerankTop, type RerankedItem } from './llm-reranker';
import type { PersonaStore } from '../store/persona-store';
import type { HistoryRetrieval, RetrievalResult } from './history-retrieval';
import { MemoryExtractor, type ExtractionReport, type MemoryExtractorOptions } from './memory-extractor';
import { PreferenceLearning } from './preference-learning';
import { ProfileSummarizer, type SummaryReport } from './profile-summarizer';
import { updateInsights, type ProfileInsights } from './profile-insights';
import type { Embedder } from '../embed/embedder';
import type { Feedback, FeedbackSignal } from '../core/feedback';
import { describeWeights, granularityWeights, type GranularityWeight, type PersonaDefinition } from '../core/granularity';

export interface ChatOptions {
  onToken?: (piece: string) => void;
  signal?: AbortSignal;
  /** Most tokens in the answer (default 512). */
  maxTokens?: number;
  /** A temporary chat: nothing of it is recorded. */
  temporary?: boolean;
  /** Groups the recorded turns (default: one id per engine). */
  sessionId?: string;
  /** History items retrieved for the prompt (default 12; the composer keeps what fits). */
  evidence?: number;
}

export interface Answer extends ChatResult {
  /** The recorded answer's event id (undefined when nothing was recorded). */
  id: string | undefined;
  /** The recorded question's event id. */
  questionId: string | undefined;
  /** The exact messages sent to the model. */
  prompt: ComposedPrompt['messages'];
  /** Every piece of user data in the prompt, in prompt order. */
  provenance: ProvenanceItem[];
  /** What retrieval found (with scores) before the composer chose. */
  retrieved: RetrievalResult['hits'];
}

export interface PersonaEngineOptions {
  store: PersonaStore;
  retrieval: HistoryRetrieval;
  /** The model; chat() refuses with ModelNotLoadedError until one is set. */
  backend?: ChatBackend;
  /** The loaded model's context window (default 2048). */
  contextTokens?: number;
  clock?: () => number;
  /**
   * Memories from conversation: after this many recorded user turns the engine asks the model for candidate facts,
   * at idle time (default 4; 0 turns it off). A new chat cancels a running extraction, so it never delays an answer.
   */
  extractEvery?: number;
  /** Delay before an idle-time extraction starts, ms (default 2,000). */
  extractAfterMs?: number;
  extraction?: MemoryExtractorOptions;
  /**
   * The embedder of the history: with it, feedback trains the on-device preference model, which then orders the
   * evidence of each prompt (learnt again from the feedback records at start, so it never outlives its data).
   */
  embedder?: Embedder;
  /**
   * Granularity: host-defined personas and global defaults (preference key → value) mixed in as cold-start priors,
   * weighted by shrinkage n / (n + k) on how many events the engine knows of this user (k default 10). `personaId`
   * names the visitor's persona (e.g. from the host site's section); without it the global defaults apply.
   */
  priors?: {
    personas?: readonly PersonaDefinition<Readonly<Record<string, string>>>[];
    personaId?: string;
    global?: Readonly<Record<string, string>>;
    k?: number;
    /** Levels below this share are left out of prompts (default 0.1). */
    minWeight?: number;
  };
}

export interface EngineStatus {
  paused: boolean;
  model: string | undefined;
  backend: ChatBackend['kind'] | undefined;
}

const DEFAULT_ANSWER_TOKENS = 512;
/** What says the user likes an item: a rating, or having clicked, read, viewed or bought it. */
const RANK_SIGNALS = new Set(['rating', 'click', 'read', 'view', 'purchase']);
/** The newest events ranking reads the user's taste from. */
export const RANK_HISTORY = 500;

/** An item a host asks Persona to rank. */
export interface RankInput {
  id: string;
  /** Title and description: embedded with the history's model for content affinity. */
  text?: string;
  /** The host's item factor (learnt from aggregate data), folded in against the user's own ratings on the device. */
  factor?: readonly number[] | Float32Array;
  /** Global popularity: a share in 0..1 or raw counts. */
  popularity?: number;
  /** Categorical features (genres, tags, a release decade…) for the sparse TF-IDF channel; the user's rated items listed here get theirs too. */
  features?: readonly string[];
  metadata?: Readonly<Record<string, unknown>>;
}
/** The persona prior a host may send with a list: its own pick of the user's persona, or personas to match on the device. */
export interface RankPriors {
  /** Score per item id of a persona the host chose. */
  personaPrior?: Readonly<Record<string, number>>;
  personaLabel?: string;
  /** Personas to match the user against on the device (rank-persona.ts); the host never learns which one matched. */
  personas?: readonly RankPersona[];
}

/** Optional re-ranking of the top few by the loaded model (off unless asked for; needs a model). */
export interface LlmRerankOptions {
  /** How many of the top items the model re-orders: 2 to 10, default 5. */
  top?: number;
  signal?: AbortSignal;
}
/** Liked history items the re-ranking prompt names. */
const RERANK_LIKED = 5;

/** The setting that lists the sources the user opted out of. */
const BLOCKED_SOURCES = 'sources.blocked';
const DEFAULT_EVIDENCE = 12;

export class PersonaEngine {
  readonly store: PersonaStore;
  readonly retrieval: HistoryRetrieval;
  #backend: ChatBackend | undefined;
  #contextTokens: number;
  #paused = false;
  readonly #clock: () => number;
  readonly #session = crypto.randomUUID();
  readonly #listeners = new Set<(status: EngineStatus) => void>();
  readonly #extractor: MemoryExtractor;
  readonly #summarizer: ProfileSummarizer;
  readonly #learning: PreferenceLearning | undefined;
  /** The preference model's replay of stored feedback, which later learning and re-ranking wait for. */
  readonly #learningReady: Promise<void>;
  readonly #stopFeed: () => void;
  readonly #embedderModel: string | undefined;
  readonly #embedder: Embedder | undefined;
  readonly #priors: PersonaEngineOptions['priors'];
  readonly #extractEvery: number;
  readonly #extractAfterMs: number;
  #turnsSinceExtraction = 0;
  #extraction: { controller: AbortController; done: Promise<ExtractionReport | undefined> } | undefined;
  #extractionTimer: ReturnType<typeof setTimeout> | undefined;
  /** The last idle-time extraction's outcome (for status and tests). */
  lastExtraction: ExtractionReport | undefined;

  constructor(options: PersonaEngineOptions) {
    this.store = options.store;
    this.retrieval = options.retrieval;
    this.#backend = options.backend;
    this.#contextTokens = options.contextTokens ?? DEFAULT_CONTEXT_SIZE;
    this.#clock = options.clock ?? Date.now;
    this.#extractor = new MemoryExtractor(this.store, options.extraction);
    this.#summarizer = new ProfileSummarizer(this.store);
    this.#embedderModel = options.embedder?.model;
    this.#embedder = options.embedder;
    this.#priors = options.priors;
    this.#learning = options.embedder ? new PreferenceLearning(this.store, options.embedder) : undefined;
    this.#learningReady = (this.#learning?.rebuild() ?? Promise.resolve()).catch((error: unknown) => {
      console.warn('Persona: the preference model could not be learnt from stored feedback', error);
    });
    // Forgetting reaches the model: deleted answers, questions and feedback take their examples with them.
    this.#stopFeed = this.store.subscribe((message) => {
      const learning = this.#learning;
      if (!learning) return;
      for (const change of message.changes) {
        if (change.op !== 'delete' || (change.store !== 'events' && change.store !== 'feedback')) continue;
        if (change.ids) learning.forget(change.ids);
        else void (this.#learningReady.then(() => learning.rebuild()));
      }
    });
    this.#extractEvery = options.extractEvery ?? 4;
    this.#extractAfterMs = options.extractAfterMs ?? 2_000;
  }

  /**
   * Asks the model for memories from the recent turns now; resolves with what was added, updated or refused. The
   * idle-time runs call this too.
   */
  async extractMemories(signal?: AbortSignal): Promise<ExtractionReport> {
    const backend = this.#backend;
    if (!backend?.model) throw new ModelNotLoadedError(backend?.kind ?? 'no');
    const report = await this.#extractor.extract(backend, this.#contextTokens, signal);
    // A run cut short by a chat leaves its turns counted, so it runs again at the next idle moment.
    if (!signal?.aborted) {
      this.#turnsSinceExtraction = 0;
      this.lastExtraction = report;
    }
    return report;
  }

  /**
   * Writes the profile summary again with the model, from the newest history that fits its context. A user's edit
   * is kept; a stale summary (its events deleted) is written without them. The idle-time runs call this too.
   */
  async refreshSummary(signal?: AbortSignal): Promise<SummaryReport> {
    const backend = this.#backend;
    if (!backend?.model) throw new ModelNotLoadedError(backend?.kind ?? 'no');
    return this.#summarizer.refresh(backend, this.#contextTokens, signal);
  }

  /**
   * What the user said about an answer (thumbs, an edit, a regeneration, a copy): stored, and learnt by the
   * preference model when the engine has an embedder.
   */
  async feedback(answerId: string, signal: FeedbackSignal, extra: { editedText?: string; note?: string } = {}): Promise<Feedback> {
    const record = await this.store.feedback.add({ answerId, signal, ...extra });
    if (this.#learning) {
      await this.#learningReady;
      await this.#learning.learn(record);
    }
    return record;
  }

  /**
   * Orders a host's items for this user, on the device: content affinity to what they rated, clicked, read or bought
   * (weighted by rating and recency), a fold-in of their factor against host item factors, the popularity prior
   * and the persona prior, mixed with cold-start shrinkage; each item comes back with its score parts and a reason.
   */
  async rank(items: readonly RankInput[], options: RankOptions & RankPriors & { llmRerank?: LlmRerankOptions } = {}): Promise<RerankedItem[]> {
    const page = await this.store.events.list({ limit: RANK_HISTORY });
    const history = page.events.filter((event) => RANK_SIGNALS.has(event.kind) && event.role !== 'assistant');
    const embedder = this.#embedder;
    const texts = [...items.map((item) => item.text ?? ''), ...history.map((event) => event.text)];
    const vectors = embedder && texts.length > 0 ? await embedder.embed(texts) : undefined;
    const dim = embedder?.dim ?? 0;
    const vectorAt = (i: number) => (vectors ? vectors.subarray(i * dim, (i + 1) * dim) : undefined);
    const candidates: RankCandidate[] = items.map((item, i) => {
      const vector = item.text ? vectorAt(i) : undefined;
      return {
        id: item.id,
        ...(item.text === undefined ? {} : { text: item.text }),
        ...(vector ? { vector } : {}),
        ...(item.factor ? { factor: item.factor } : {}),
        ...(item.popularity === undefined ? {} : { popularity: item.popularity }),
        ...(item.features ? { features: item.features } : {}),
        ...(item.metadata ? { metadata: item.metadata } : {}),
      };
    });
    // Host item factors, by item id, so the user's own rated items fold in against them.
    const factors = new Map(items.filter((item) => item.factor).map((item) => [item.id, item.factor as ArrayLike<number>]));
    const features = new Map(items.filter((item) => item.features).map((item) => [item.id, item.features as readonly string[]]));
    const rated: RatedItem[] = history.map((event, i) => {
      const vector = vectorAt(items.length + i);
      const factor = event.itemId ? factors.get(event.itemId) : undefined;
      const tokens = event.itemId ? features.get(event.itemId) : undefined;
      return {
        id: event.itemId ?? event.id,
        ts: event.ts,
        title: event.text,
        ...(event.kind === 'rating' && event.rating !== undefined ? { rating: event.rating } : {}),
        ...(vector ? { vector } : {}),
        ...(factor ? { factor } : {}),
        ...(tokens ? { features: tokens } : {}),
      };
    });
    const { personaPrior, personaLabel, personas, llmRerank, ...rankOptions } = options;
    const count = llmRerank ? checkRerankCount(llmRerank.top) : 0;
    const backend = this.#backend;
    if (llmRerank && !backend?.model) throw new ModelNotLoadedError(backend?.kind ?? 'no');
    const user = { rated, now: this.#clock(), ...(personaPrior ? { personaPrior } : {}), ...(personaLabel ? { personaLabel } : {}), ...(personas ? { personas } : {}) };
    const ranked = rankItems(candidates, user, rankOptions);
    if (!llmRerank || !backend) return ranked;
    const profile = await this.store.profile.get();
    const liked = rated.filter((item) => item.rating === undefined || item.rating >= 4).slice(0, RERANK_LIKED);
    return rerankTop({
      backend,
      contextTokens: this.#contextTokens,
      ranked,
      texts: new Map(items.flatMap((item) => (item.text ? [[item.id, item.text] as const] : []))),
      context: {
        preferences: Object.entries(profile.preferences).map(([key, preference]) => ({ key, value: preference.value })),
        ...(profile.summary ? { summary: profile.summary.text } : {}),
        liked: liked.map((item) => item.title ?? item.id),
      },
      count,
      ...(llmRerank.signal ? { signal: llmRerank.signal } : {}),
    });
  }

  /** Interests (clustered from the history's embeddings) and style traits, stored in the profile's traits. */
  updateInsights(): Promise<ProfileInsights> {
    return updateInsights(this.store, this.#clock(), this.#embedderModel ? { model: this.#embedderModel } : {});
  }

  /** Feedback examples the preference model has learnt from (0 without an embedder). */
  get preferenceExamples(): number {
    return this.#learning?.examples ?? 0;
  }

  /** Stops idle-time work (a pending or running extraction) and following the store. */
  stop(): void {
    this.#stopFeed();
    clearTimeout(this.#extractionTimer);
    this.#extraction?.controller.abort();
  }

  /** Sets (or replaces) the model that answers, with its context window. */
  useBackend(backend: ChatBackend | undefined, contextTokens = DEFAULT_CONTEXT_SIZE): void {
    this.#backend = backend;
    this.#contextTokens = contextTokens;
    this.#emit();
  }

  /**
   * Records events, unless learning is paused (then nothing is stored and the call resolves with []). Events from a
   * source the user opted out of are left out.
   */
  async record(input: HistoryEventInput | readonly HistoryEventInput[]): Promise<HistoryEvent[]> {
    if (this.#paused) return [];
    const inputs = Array.isArray(input) ? (input as readonly HistoryEventInput[]) : [input as HistoryEventInput];
    const blocked = await this.blockedSources();
    const kept = blocked.size === 0 ? inputs : inputs.filter((event) => !blocked.has(event.source ?? 'app'));
    return kept.length === 0 ? [] : this.store.record(kept);
  }

  /** Sources the user opted out of ('widget:news.example', …): nothing from them is recorded. */
  async blockedSources(): Promise<Set<string>> {
    const value = await this.store.settings.get(BLOCKED_SOURCES);
    return new Set(Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  }

  /**
   * Opts a source out (or back in). Opting out can also delete what it recorded (with everything derived from it:
   * the usual cascade); otherwise its past events stay until the user deletes them.
   */
  async setSourceBlocked(source: string, blocked: boolean, options: { deleteRecorded?: boolean } = {}): Promise<CascadeResult | undefined> {
    const sources = await this.blockedSources();
    if (blocked) sources.add(source);
    else sources.delete(source);
    await this.store.settings.set(BLOCKED_SOURCES, [...sources].sort());
    return blocked && options.deleteRecorded ? this.store.events.deleteRange({ source }) : undefined;
  }

  retrieve(query: string, options: RetrieveOptions & { signal?: AbortSignal } = {}): Promise<RetrievalResult> {
    return this.retrieval.retrieve(query, { now: this.#clock(), ...options });
  }

  /** A temporary mode: nothing is recorded (events, chats) until resume(). */
  pause(): void {
    this.#paused = true;
    this.#emit();
  }

  resume(): void {
    this.#paused = false;
    this.#emit();
  }

  status(): EngineStatus {
    return { paused: this.#paused, model: this.#backend?.model, backend: this.#backend?.kind };
  }

  subscribe(listener: (status: EngineStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Composes the personalized prompt for `conversation` without calling the model (what chat() sends). */
  async compose(conversation: readonly ComposerMessage[], options: Pick<ChatOptions, 'maxTokens' | 'evidence' | 'signal'> = {}): Promise<{ composed: ComposedPrompt; retrieved: RetrievalResult['hits'] }> {
    const question = [...conversation].reverse().find((m) => m.role === 'user')?.content ?? '';
    const [profile, pinned, found] = await Promise.all([
      this.store.profile.get(),
      this.store.memories.list({ pinned: true }),
      question
        ? this.retrieve(question, { limit: options.evidence ?? DEFAULT_EVIDENCE, mmrLambda: 0.7, ...(options.signal ? { signal: options.signal } : {}) })
        : Promise.resolve({ hits: [], timings: { embedMs: 0, searchMs: 0 } }),
    ]);
    // The preference model orders what retrieval found (no change until it has learnt from feedback).
    await this.#learningReady;
    const hits = this.#learning ? await this.#learning.rerank(question, found.hits) : found.hits;
    const evidence: ComposerEvidence[] = hits.map(({ event }) => ({
      id: event.id,
      text: event.text,
      ts: event.ts,
      kind: event.kind,
      ...(event.role ? { role: event.role } : {}),
    }));
    const backend = this.#backend;
    const priors = await this.#priorsFor();
    const input = {
      conversation,
      ...priors,
      preferences: Object.fromEntries(Object.entries(profile.preferences).map(([key, preference]) => [key, preference.value])),
      pinnedMemories: pinned.map((memory) => ({ id: memory.id, text: memory.text })),
      ...(profile.summary ? { summary: { text: profile.summary.text } } : {}),
      evidence,
    };
    const budget = { contextTokens: backend ? this.#contextTokens : DEFAULT_CONTEXT_SIZE, answerTokens: options.maxTokens ?? DEFAULT_ANSWER_TOKENS };
    // The composer counts synchronously with the stated estimate; the model's own tokenizer then checks the result.
    // Where the estimate ran short (small vocabularies split text finer), it is scaled by what the tokenizer found
    // and the prompt composed again, so the prompt always fits the model's context.
    let scale = 1;
    let composed = composePrompt(input, { ...budget, countTokens: estimateTokens });
    for (let attempt = 0; backend?.model && attempt < 3; attempt++) {
      const exact = await this.#exactTokens(backend, composed);
      if (exact <= composed.tokens.available) break;
      scale *= (exact / (composed.tokens.system + composed.tokens.conversation)) * 1.05;
      const scaled = scale;
      composed = composePrompt(input, { ...budget, countTokens: (text) => Math.ceil(estimateTokens(text) * scaled) });
    }
    return { composed, retrieved: hits };
  }

  async chat(conversation: readonly ComposerMessage[], options: ChatOptions = {}): Promise<Answer> {
    const backend = this.#backend;
    if (!backend?.model) throw new ModelNotLoadedError(backend?.kind ?? 'no');
    // The person waiting comes first: idle-time extraction yields the model (and runs again later).
    clearTimeout(this.#extractionTimer);
    if (this.#extraction) {
      this.#extraction.controller.abort();
      await this.#extraction.done;
    }
    const { composed, retrieved } = await this.compose(conversation, options);
    const result = await backend.chat(composed.messages, {
      maxTokens: options.maxTokens ?? DEFAULT_ANSWER_TOKENS,
      ...(options.onToken ? { onToken: options.onToken } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const question = conversation.at(-1);
    let ids: { question: string | undefined; answer: string | undefined } = { question: undefined, answer: undefined };
    if (!this.#paused && !options.temporary && question?.role === 'user' && result.text.length > 0) {
      const sessionId = options.sessionId ?? this.#session;
      const now = this.#clock();
      const questionId = crypto.randomUUID();
      const [asked, answered] = await this.store.record([
        { id: questionId, kind: 'message', role: 'user', text: question.content, ts: now, sessionId, source: 'app' },
        {
          kind: 'message',
          role: 'assistant',
          text: result.text,
          ts: now + 1,
          sessionId,
          source: 'app',
          metadata: { finishReason: result.finishReason, questionId, evidence: composed.provenance.filter((p) => p.kind === 'event').map((p) => p.id) },
        },
      ]);
      ids = { question: asked?.id, answer: answered?.id };
      this.#turnsSinceExtraction++;
    }
    this.#scheduleExtraction();
    return { ...result, id: ids.answer, questionId: ids.question, prompt: composed.messages, provenance: composed.provenance, retrieved };
  }

  /**
   * How much of this user's personalization is their own and how much the host's persona and global defaults (the
   * persona match the profile view shows): every level with its share, described in words. Without priors the user
   * is all there is.
   */
  async granularity(): Promise<{ weights: GranularityWeight[]; described: string; events: number }> {
    const config = this.#priors;
    const n = await this.store.events.count();
    const { weights } = granularityWeights(
      {
        user: { n, value: {} },
        ...(config?.personas ? { personas: config.personas } : {}),
        ...(config?.personaId ? { personaId: config.personaId } : {}),
        ...(config?.global ? { global: config.global } : {}),
      },
      config?.k === undefined ? {} : { k: config.k },
    );
    return { weights, described: describeWeights(weights), events: n };
  }

  /** The persona and global defaults, with their shares for this user, for the composer (none without priors). */
  async #priorsFor(): Promise<{ priors?: { id: string; label: string; weight: number; preferences: Readonly<Record<string, string>> }[]; priorsMix?: string }> {
    const config = this.#priors;
    if (!config?.personas?.length && !config?.global) return {};
    const { weights } = await this.granularity();
    const minWeight = config.minWeight ?? 0.1;
    const priors = weights
      .filter((w) => w.level !== 'user' && w.weight >= minWeight)
      .map((w) => ({
        id: w.level === 'global' ? 'global' : `persona:${w.id}`,
        label: w.label,
        weight: w.weight,
        preferences: (w.level === 'global' ? config.global : config.personas?.find((p) => p.id === w.id)?.prior) ?? {},
      }));
    return { priors, priorsMix: describeWeights(weights) };
  }

  #scheduleExtraction(): void {
    if (this.#extractEvery <= 0 || this.#turnsSinceExtraction < this.#extractEvery || this.#paused || this.store.connection.locked) return;
    clearTimeout(this.#extractionTimer);
    this.#extractionTimer = setTimeout(() => {
      const controller = new AbortController();
      const done = this.extractMemories(controller.signal).then(
        async (report) => {
          // The summary follows the memories: written when missing or stale (its events deleted).
          const summary = (await this.store.profile.get()).summary;
          if (!controller.signal.aborted && (!summary || summary.staleSince !== undefined)) await this.refreshSummary(controller.signal);
          if (!controller.signal.aborted) await this.updateInsights();
          return report;
        },
        (error: unknown) => {
          console.warn('Persona: memory extraction failed; it will run again after more turns', error);
          return undefined;
        },
      );
      this.#extraction = { controller, done };
      void done.finally(() => {
        if (this.#extraction?.done === done) this.#extraction = undefined;
      });
    }, this.#extractAfterMs);
  }

  /** Tokens the composed messages take as the model reads them (its tokenizer and chat template). */
  #exactTokens(backend: ChatBackend, composed: ComposedPrompt): Promise<number> {
    return backend.countChatTokens(composed.messages);
  }

  #emit(): void {
    const status = this.status();
    for (const listener of this.#listeners) listener(status);
  }
}
