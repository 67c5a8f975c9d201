// Exact Float32 cosine search, one item at a time: the reference for recall and the naive baseline in benchmarks.
import { normalised, type VectorHit } from './vector-index';

export function exactSearch(ids: readonly string[], vectors: Float32Array, dim: number, query: Float32Array, limit: number): VectorHit[] {
  const q = normalised(query);
  const hits: VectorHit[] = [];
  for (let i = 0; i < ids.length; i++) {
    let dot = 0;
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      const x = vectors[i * dim + d] as number;
      dot += x * (q[d] as number);
      norm += x * x;
    }
    hits.push({ id: ids[i] as string, score: norm > 0 ? dot / Math.sqrt(norm) : 0 });
  }
  return hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1)).slice(0, limit);
}

/** Share of `truth`'s ids found in `found`. */
export function recallAt(found: readonly { id: string }[], truth: readonly { id: string }[]): number {
  if (truth.length === 0) return 1;
  const ids = new Set(found.map((h) => h.id));
  return truth.filter((h) => ids.has(h.id)).length / truth.length;
}
