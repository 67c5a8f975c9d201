// The Embedder as the engine sees it in the browser: a client of the embedder worker. Cancelling a call through
// its AbortSignal cancels the job in the worker.
import { proxy, wrap, type Remote } from 'comlink';
import type { EmbedProgress, Embedder } from './embedder';
import type { EmbedderConfig } from './embedder-config';
import type { EmbedderHost } from './embedder-host';
import type { ModelLoadProgress } from './transformers-embedder';
import { remoteJob } from '../platform/cancellable-jobs';
import { workerCrash } from '../platform/worker-crash';

export class WorkerEmbedder implements Embedder {
  /** Rejects when the worker dies: comlink would otherwise leave a pending call waiting forever. */
  readonly #crashed: Promise<never>;

  private constructor(
    private readonly worker: Worker,
    private readonly host: Remote<EmbedderHost>,
    readonly model: string,
    readonly dim: number,
  ) {
    this.#crashed = workerCrash(worker, 'embedder');
  }

  /** Starts the worker (created by the caller, so the bundler sees the worker's URL) and loads the model in it. */
  static async start(worker: Worker, config: EmbedderConfig, onProgress?: (progress: ModelLoadProgress) => void): Promise<WorkerEmbedder> {
    const host = wrap<EmbedderHost>(worker);
    try {
      const { model, dim } = await host.load(config, onProgress ? proxy(onProgress) : undefined);
      return new WorkerEmbedder(worker, host, model, dim);
    } catch (error) {
      worker.terminate();
      throw error;
    }
  }

  async embed(texts: readonly string[], options: { signal?: AbortSignal; onProgress?: (progress: EmbedProgress) => void } = {}): Promise<Float32Array> {
    const { signal, onProgress } = options;
    signal?.throwIfAborted();
    try {
      return await remoteJob(signal, (jobId) => this.host.cancel(jobId), (jobId) =>
        Promise.race([this.host.embed(jobId, [...texts], onProgress ? proxy(onProgress) : undefined), this.#crashed]),
      );
    } catch (error) {
      // The worker's AbortError arrives as a plain Error; give callers the standard one.
      if (signal?.aborted) throw signal.reason;
      throw error;
    }
  }

  fetchedUrls(): Promise<string[]> {
    return this.host.fetchedUrls();
  }

  terminate(): void {
    this.worker.terminate();
  }
}
