// Tests and benchmarks draw from the product's own seeded PRNG (src/core/seeded-random.ts).
export { seededRandom } from '../../src/core/seeded-random';
