// A real but simple embedder for tests of the queue and the retrieval plumbing: feature hashing of lower-cased
// words into `dim` buckets. Deterministic, instant, and similar texts get similar vectors. Tests of embedding
// quality use the bundled GloVe model instead.
import type { Embedder } from '../../src/embed/embedder';

export class HashingEmbedder implements Embedder {
  readonly model: string;
  calls = 0;

  constructor(
    readonly dim = 32,
    private readonly failOn?: (text: string) => boolean,
  ) {
    this.model = `hashing-${dim}`;
  }

  embed(texts: readonly string[], options: { signal?: AbortSignal } = {}): Promise<Float32Array> {
    this.calls++;
    if (options.signal?.aborted) return Promise.reject(new DOMException('aborted', 'AbortError'));
    if (this.failOn && texts.some(this.failOn)) return Promise.reject(new Error('cannot embed this text'));
    const out = new Float32Array(texts.length * this.dim);
    texts.forEach((text, i) => {
      for (const word of text.toLowerCase().match(/\p{L}+/gu) ?? []) {
        let h = 2166136261;
        for (const ch of word) h = Math.imul(h ^ (ch.codePointAt(0) ?? 0), 16777619);
        const slot = (h >>> 0) % this.dim;
        out[i * this.dim + slot] = (out[i * this.dim + slot] ?? 0) + 1;
      }
      let norm = 0;
      for (let d = 0; d < this.dim; d++) norm += (out[i * this.dim + d] ?? 0) ** 2;
      for (let d = 0; d < this.dim && norm > 0; d++) out[i * this.dim + d] = (out[i * this.dim + d] ?? 0) / Math.sqrt(norm);
    });
    return Promise.resolve(out);
  }
}
