// The embedder as its worker exposes it over comlink. An AbortSignal cannot cross the boundary, so each call
// carries a job id the caller can cancel.
import { transfer } from 'comlink';
import { CancellableJobs } from '../platform/cancellable-jobs';
import type { EmbedProgress } from './embedder';
import type { EmbedderConfig } from './embedder-config';
import { TransformersEmbedder, type ModelLoadProgress, type OrtAssets } from './transformers-embedder';
import { holdLifeline } from '../platform/worker-lifeline';
import { bundledUrl } from '../platform/bundled-url';

export class EmbedderHost {
  #embedder: TransformersEmbedder | undefined;
  readonly #jobs = new CancellableJobs();

  constructor(private readonly ortAssets?: OrtAssets) {}

  async load(config: EmbedderConfig, onProgress?: (progress: ModelLoadProgress) => void): Promise<{ model: string; dim: number }> {
    await this.#embedder?.dispose();
    this.#embedder = undefined;
    this.#embedder = await TransformersEmbedder.load(config, {
      device: 'wasm',
      fetch: fetchFromPersona,
      // transformers.js keys its Cache API entries by the model's path, which a worker started from a blob: URL (a
      // widget on a host page of another origin) cannot resolve: there the files come from the HTTP cache instead.
      browserCache: self.location.protocol !== 'blob:',
      ...(this.ortAssets ? { ortAssets: this.ortAssets } : {}),
      ...(onProgress ? { onProgress } : {}),
    });
    return { model: this.#embedder.model, dim: this.#embedder.dim };
  }

  async embed(jobId: string, texts: string[], onProgress?: (progress: EmbedProgress) => void): Promise<Float32Array> {
    if (!this.#embedder) throw new Error('EmbedderHost.load() must be called first');
    const embedder = this.#embedder;
    return this.#jobs.run(jobId, async (signal) => {
      const vectors = await embedder.embed(texts, { signal, ...(onProgress ? { onProgress } : {}) });
      return transfer(vectors, [vectors.buffer]);
    });
  }

  /** Holds the named lock while this worker lives, so its owner learns when it is gone (worker-lifeline.ts). */
  lifeline(name: string): Promise<void> {
    return holdLifeline(name);
  }

  cancel(jobId: string): void {
    this.#jobs.cancel(jobId);
  }

  /** Every URL this worker fetched, so the app can show (and tests can check) that nothing left the origin. */
  fetchedUrls(): string[] {
    return performance.getEntriesByType('resource').map((entry) => entry.name);
  }
}

/**
 * fetch, with paths ('/models/…') on Persona's origin: that is where the bundled model is, and it is not this
 * worker's origin when a host page of another origin embeds the widget (the worker then runs at the page's origin).
 * transformers.js needs the local model path to stay a path (it treats a full URL as a remote model), so the path
 * is resolved here, as it is fetched.
 */
const fetchFromPersona: typeof fetch = (input, init) => fetch(typeof input === 'string' && input.startsWith('/') ? bundledUrl(input) : input, init);
