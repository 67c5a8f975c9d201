// What runs beside the store: the embedder in its worker (the bundled one, or the model the user opted into, see
// embedder-selection.ts), the queue drained in the background as events arrive, and retrieval over the history.
// Everything here runs on the device; the bundled model comes from the app's origin, an opted-in one from its host.
import { BUNDLED_EMBEDDER, embedderModelId, type EmbedderConfig } from '../embed/embedder-config';
import { embedderChoice, selectEmbedder } from './embedder-selection';
import { checkModelHost } from '../llm/model-hosts';
import { PendingEmbedder } from '../embed/pending-embedder';
import { WorkerEmbedder } from '../embed/worker-embedder';
import { LockedError } from '../core/errors';
import { EmbeddingQueue } from '../store/embedding-queue';
import type { PersonaStore } from '../store/persona-store';
import { startModuleWorker } from '../platform/module-worker';
import embedderWorkerUrl from '../../workers/embedder.worker.ts?worker&url';
import { EmbeddingIndexer } from './embedding-indexer';
import { HistoryRetrieval } from './history-retrieval';

export interface IntelligenceStatus {
  phase: 'loading' | 'ready' | 'failed';
  model?: string;
  /** The model the user opted into, when it could not be loaded and the bundled one runs instead. */
  requested?: string;
  /** Why the requested model is not the one running. */
  fallbackReason?: string;
  embedded: number;
  pending: number;
  problem?: string;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs `work` holding a Web Lock when the browser has them (all current ones do). */
async function withLock(name: string, work: () => Promise<void>): Promise<void> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (locks) await locks.request(name, work);
  else await work();
}

export class HistoryIntelligence {
  #embedder: WorkerEmbedder | undefined;
  #retrieval: HistoryRetrieval | undefined;
  #indexer: EmbeddingIndexer | undefined;
  #draining: Promise<void> | undefined;
  #again = false;
  #stop: (() => void) | undefined;
  readonly #abort = new AbortController();

  constructor(
    private readonly store: PersonaStore,
    private readonly onStatus: (status: IntelligenceStatus) => void,
    /** The bundled model's configuration: where it is served (see bundledEmbedderAt). */
    private readonly bundled: EmbedderConfig = BUNDLED_EMBEDDER,
  ) {}

  async start(): Promise<void> {
    this.onStatus({ phase: 'loading', embedded: 0, pending: 0 });
    // The user's choice, or the bundled model; a choice that cannot load falls back to the bundled one, with why.
    const choice = await embedderChoice(this.store.settings).catch(() => undefined);
    const wanted: EmbedderConfig = { ...this.bundled, ...choice };
    // A stored host this build no longer allows falls back with an error that names the setting, not "Failed to fetch".
    const load = async (config: EmbedderConfig) => {
      if (config.remoteHost !== undefined) checkModelHost(config.remoteHost);
      return WorkerEmbedder.start(() => startModuleWorker(embedderWorkerUrl), config);
    };
    const selecting = selectEmbedder(this.store.settings, load, this.bundled);
    const starting = selecting.then(({ embedder }) => embedder);
    // When the history is already embedded with the wanted model, its index loads while the model loads.
    const recorded = await new EmbeddingQueue(this.store.connection).activeModel();
    const expected = embedderModelId(wanted);
    const early = recorded?.model === expected ? new PendingEmbedder(expected, recorded.dim, starting) : undefined;
    const opening = HistoryRetrieval.open(this.store, early);
    opening.catch(() => undefined);
    let problem: string | undefined;
    try {
      const { embedder, status } = await selecting;
      this.#embedder = embedder;
      if (status.fallbackReason !== undefined) {
        this.#fallback = { ...(status.requested === undefined ? {} : { requested: status.requested }), fallbackReason: status.fallbackReason };
      }
      this.#indexer = new EmbeddingIndexer(this.store, this.#embedder, { batchSize: 64 });
      await this.#indexer.queue.switchTo(this.#embedder.model, this.#embedder.dim);
      // A failure last time (a fault since gone) gets another chance.
      await this.#indexer.queue.retryFailed();
    } catch (error) {
      problem = describe(error);
    }
    try {
      this.#retrieval = await opening;
      if (problem !== undefined || !early || this.#embedder?.model !== expected) {
        // Without the model retrieval is keyword-only rather than absent; after a first load or a model change it
        // reopens with the embedder it now has.
        this.#retrieval.close();
        this.#retrieval = await HistoryRetrieval.open(this.store, this.#embedder);
      }
    } catch (error) {
      this.onStatus({ phase: 'failed', embedded: 0, pending: 0, problem: describe(error) });
      return;
    }
    // Search works from here on; embedding the backlog goes on in the background.
    this.#startProblem = problem;
    await this.#report(problem);
    this.#stop = this.store.subscribe((message) => {
      // After an unlock the queue may hold events that arrived just before the lock. A deletion drains too: it may
      // have freed the room a drain refused for lack of storage needed.
      if (message.lifecycle === 'unlocked' || message.changes.some((change) => change.store === 'events')) this.#drain();
    });
    this.#drain();
  }

  /** The embedder in its worker, once start() has resolved (undefined when the model could not load). */
  get embedder(): WorkerEmbedder | undefined {
    return this.#embedder;
  }

  /** Retrieval over the history, once start() has resolved. */
  get retrieval(): HistoryRetrieval | undefined {
    return this.#retrieval;
  }

  async search(text: string) {
    if (!this.#retrieval) return undefined;
    return this.#retrieval.retrieve(text, { limit: 5, now: Date.now() });
  }

  stop(): void {
    this.#abort.abort();
    this.#stop?.();
    this.#retrieval?.close();
    this.#embedder?.terminate();
  }

  /** Why the model could not start: it stays for this session. A failed drain's problem goes with the next good one. */
  #startProblem: string | undefined;
  /** Set when the opted-in model could not load (see IntelligenceStatus). */
  #fallback: { requested?: string; fallbackReason: string } | undefined;

  /** Search is ready; says how far embedding has come, and what went wrong with the model, if anything. */
  async #report(problem: string | undefined): Promise<void> {
    const queue = this.#indexer?.queue;
    // While the data is locked the counts cannot be read: the report waits for the drain after unlock.
    if (this.store.connection.locked) return;
    const [embedded, pending] = queue ? await Promise.all([queue.embedded(), queue.pending()]) : [0, 0];
    this.onStatus({
      phase: problem === undefined ? 'ready' : 'failed',
      ...(this.#embedder ? { model: this.#embedder.model } : {}),
      ...this.#fallback,
      embedded,
      pending,
      ...(problem === undefined ? {} : { problem }),
    });
  }

  #takeAgain(): boolean {
    const again = this.#again;
    this.#again = false;
    return again;
  }

  /** One drain at a time; a change that arrives during a drain schedules one more. */
  #drain(): void {
    const indexer = this.#indexer;
    const embedder = this.#embedder;
    if (!indexer || !embedder) return;
    if (this.#draining) {
      this.#again = true;
      return;
    }
    this.#draining = (async () => {
      // One tab embeds at a time: others wait for the lock, then find little or nothing left.
      await withLock(`persona-embed:${this.store.channelKey}`, async () => {
        do await indexer.drain(this.#abort.signal);
        while (this.#takeAgain() && !this.#abort.signal.aborted);
      });
      await this.#report(this.#startProblem);
    })()
      .catch((error: unknown) => {
        // A lock mid-drain is no fault: the queue is durable and the drain runs again after unlock.
        if (error instanceof LockedError) return;
        // E.g. storage full: the queue is intact, and the next change drains again.
        if (!this.#abort.signal.aborted) this.#report(this.#startProblem ?? describe(error)).catch(() => undefined);
      })
      .finally(() => {
        this.#draining = undefined;
        // A change that arrived while the report above was being read asked for one more drain: run it now.
        if (this.#takeAgain()) this.#drain();
      });
  }
}
