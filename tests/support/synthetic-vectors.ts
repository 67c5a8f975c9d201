// Clustered synthetic embeddings, like real ones (topics the user returns to), from a seeded PRNG so every run
// sees the same data.
import { seededRandom } from './seeded-random';

export { seededRandom };

export function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** `count` vectors around `clusters` random centres, each with noise of standard deviation `spread` per unit. */
export function clusteredVectors(count: number, dim: number, { clusters = 50, spread = 0.6, seed = 7 } = {}): { ids: string[]; vectors: Float32Array; queries: Float32Array[] } {
  const random = seededRandom(seed);
  const centres = Array.from({ length: clusters }, () => Float32Array.from({ length: dim }, () => gaussian(random)));
  const vectors = new Float32Array(count * dim);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const centre = centres[Math.floor(random() * clusters)] as Float32Array;
    for (let d = 0; d < dim; d++) vectors[i * dim + d] = (centre[d] as number) + spread * gaussian(random);
    ids.push(`v${i}`);
  }
  const queries = Array.from({ length: 20 }, () => {
    const centre = centres[Math.floor(random() * clusters)] as Float32Array;
    return Float32Array.from(centre, (x) => x + spread * gaussian(random));
  });
  return { ids, vectors, queries };
}
