// The Embedder as the engine sees it in the browser: a client of the embedder worker. Cancelling a call through
// its AbortSignal cancels the job in the worker. A worker that dies mid-request fails that request with
// WorkerCrashedError; the next request starts a new worker with the same model (SupervisedWorker).
import { proxy } from 'comlink';
import type { EmbedProgress, Embedder } from './embedder';
import type { EmbedderConfig } from './embedder-config';
import type { EmbedderHost } from './embedder-host';
import type { ModelLoadProgress } from './transformers-embedder';
import { remoteJob } from '../platform/cancellable-jobs';
import { SupervisedWorker } from '../platform/supervised-worker';

export class WorkerEmbedder implements Embedder {
  private constructor(
    private readonly worker: SupervisedWorker<EmbedderHost>,
    readonly model: string,
    readonly dim: number,
  ) {}

  /**
   * Starts the worker and loads the model in it. `spawn` creates the worker (the caller's `new Worker(new URL(…))`,
   * so the bundler sees its URL); it is called again whenever a worker died. Progress is reported for the first load.
   */
  static async start(spawn: () => Worker, config: EmbedderConfig, onProgress?: (progress: ModelLoadProgress) => void): Promise<WorkerEmbedder> {
    let loaded: { model: string; dim: number } | undefined;
    const worker = new SupervisedWorker<EmbedderHost>(spawn, 'embedder', async (host, restart) => {
      const result = await host.load(config, onProgress && !restart ? proxy(onProgress) : undefined);
      loaded ??= result;
    });
    try {
      await worker.start();
    } catch (error) {
      worker.terminate();
      throw error;
    }
    if (!loaded) throw new Error('the embedder worker started without loading its model');
    return new WorkerEmbedder(worker, loaded.model, loaded.dim);
  }

  /** How many workers were started: more than 1 after a crash. */
  get starts(): number {
    return this.worker.starts;
  }

  async embed(texts: readonly string[], options: { signal?: AbortSignal; onProgress?: (progress: EmbedProgress) => void } = {}): Promise<Float32Array> {
    const { signal, onProgress } = options;
    signal?.throwIfAborted();
    try {
      return await this.worker.call((host) =>
        remoteJob(signal, (jobId) => host.cancel(jobId), (jobId) => host.embed(jobId, [...texts], onProgress ? proxy(onProgress) : undefined)),
      );
    } catch (error) {
      // The worker's AbortError arrives as a plain Error; give callers the standard one.
      if (signal?.aborted) throw signal.reason;
      throw error;
    }
  }

  fetchedUrls(): Promise<string[]> {
    return this.worker.call((host) => host.fetchedUrls());
  }

  terminate(): void {
    this.worker.terminate();
  }
}
