// One seeded PRNG for everything that needs repeatable randomness: k-means seeding in the product, and the tests
// and benchmarks that must draw the same data every run.

/** mulberry32: a tiny, well-distributed 32-bit PRNG; numbers in [0, 1). The same seed gives the same stream everywhere. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
