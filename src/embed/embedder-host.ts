// The embedder as its worker exposes it over comlink. An AbortSignal cannot cross the boundary, so each call
// carries a job id the caller can cancel.
import { transfer } from 'comlink';
import type { EmbedProgress } from './embedder';
import type { EmbedderConfig } from './embedder-config';
import { TransformersEmbedder, type ModelLoadProgress, type OrtAssets } from './transformers-embedder';

export class EmbedderHost {
  #embedder: TransformersEmbedder | undefined;
  readonly #jobs = new Map<string, AbortController>();

  constructor(private readonly ortAssets?: OrtAssets) {}

  async load(config: EmbedderConfig, onProgress?: (progress: ModelLoadProgress) => void): Promise<{ model: string; dim: number }> {
    await this.#embedder?.dispose();
    this.#embedder = undefined;
    this.#embedder = await TransformersEmbedder.load(config, {
      device: 'wasm',
      ...(this.ortAssets ? { ortAssets: this.ortAssets } : {}),
      ...(onProgress ? { onProgress } : {}),
    });
    return { model: this.#embedder.model, dim: this.#embedder.dim };
  }

  async embed(jobId: string, texts: string[], onProgress?: (progress: EmbedProgress) => void): Promise<Float32Array> {
    if (!this.#embedder) throw new Error('EmbedderHost.load() must be called first');
    const controller = new AbortController();
    this.#jobs.set(jobId, controller);
    try {
      const vectors = await this.#embedder.embed(texts, { signal: controller.signal, ...(onProgress ? { onProgress } : {}) });
      return transfer(vectors, [vectors.buffer]);
    } finally {
      this.#jobs.delete(jobId);
    }
  }

  cancel(jobId: string): void {
    this.#jobs.get(jobId)?.abort();
  }

  /** Every URL this worker fetched, so the app can show (and tests can check) that nothing left the origin. */
  fetchedUrls(): string[] {
    return performance.getEntriesByType('resource').map((entry) => entry.name);
  }
}
