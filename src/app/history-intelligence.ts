// What the app runs beside the store: the bundled embedder in its worker, the queue drained in the background as
// notes arrive, and retrieval over the history. Everything here runs on the device; the model comes from the app.
import { BUNDLED_EMBEDDER, EmbeddingIndexer, HistoryRetrieval, WorkerEmbedder, type PersonaStore } from '../index';

export interface IntelligenceStatus {
  phase: 'loading' | 'ready' | 'failed';
  model?: string;
  embedded: number;
  pending: number;
  problem?: string;
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
  ) {}

  async start(): Promise<void> {
    this.onStatus({ phase: 'loading', embedded: 0, pending: 0 });
    try {
      const worker = new Worker(new URL('../../workers/embedder.worker.ts', import.meta.url), { type: 'module' });
      this.#embedder = await WorkerEmbedder.start(worker, BUNDLED_EMBEDDER);
      this.#indexer = new EmbeddingIndexer(this.store, this.#embedder, { batchSize: 64 });
      await this.#indexer.queue.switchTo(this.#embedder.model, this.#embedder.dim);
    } catch (error) {
      this.onStatus({ phase: 'failed', embedded: 0, pending: 0, problem: error instanceof Error ? error.message : String(error) });
    }
    // Without the model, retrieval is keyword-only rather than absent.
    this.#retrieval = await HistoryRetrieval.open(this.store, this.#embedder);
    this.#stop = this.store.subscribe((message) => {
      if (message.changes.some((change) => change.store === 'events' && change.op === 'put')) this.#drain();
    });
    this.#drain();
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
      do await indexer.drain(this.#abort.signal);
      while (this.#takeAgain() && !this.#abort.signal.aborted);
      const pending = await indexer.queue.pending();
      const embedded = await indexer.queue.embedded();
      this.onStatus({ phase: 'ready', model: embedder.model, embedded, pending });
    })()
      .catch((error: unknown) => {
        if (!this.#abort.signal.aborted) this.onStatus({ phase: 'failed', embedded: 0, pending: 0, problem: error instanceof Error ? error.message : String(error) });
      })
      .finally(() => {
        this.#draining = undefined;
      });
  }
}
