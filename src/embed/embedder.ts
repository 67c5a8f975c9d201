// The embedder port: text in, vectors out. Implementations: transformers.js in a worker (the bundled GloVe model by
// default, a hub or self-hosted model when the user opts in).

export interface EmbedProgress {
  done: number;
  total: number;
}

export interface Embedder {
  /** Model id recorded with every vector, so a model switch is never mixed up with old vectors. */
  readonly model: string;
  readonly dim: number;
  /** texts.length × dim floats, unit length. Rejects with an AbortError when `signal` aborts. */
  embed(texts: readonly string[], options?: { signal?: AbortSignal; onProgress?: (progress: EmbedProgress) => void }): Promise<Float32Array>;
}
