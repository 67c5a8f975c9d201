// An embedder known by its model id and dimension before it has finished loading. The retrieval index can load
// that model's vectors from the store meanwhile, so a cold start waits for the slower of the two, not their sum.
import type { EmbedProgress, Embedder } from './embedder';
import { EmbedderLoadError } from '../core/errors';

export class PendingEmbedder implements Embedder {
  constructor(
    readonly model: string,
    readonly dim: number,
    private readonly ready: Promise<Embedder>,
  ) {
    // A load that fails before anyone embeds is reported by whoever awaits `ready` elsewhere.
    ready.catch(() => undefined);
  }

  async embed(texts: readonly string[], options: { signal?: AbortSignal; onProgress?: (progress: EmbedProgress) => void } = {}): Promise<Float32Array> {
    const embedder = await this.ready;
    if (embedder.model !== this.model || embedder.dim !== this.dim) {
      throw new EmbedderLoadError(`Expected ${this.model} (${this.dim}-d) but ${embedder.model} (${embedder.dim}-d) loaded.`);
    }
    return embedder.embed(texts, options);
  }
}
