// The dense index in real Chromium: the WebAssembly SIMD kernels are the ones used, and they answer exactly as the
// JavaScript fallback does on the same data.
import { expect, test } from 'vitest';
import { simdSupported } from '../../src/core/kernels/dense-kernels';
import { VectorIndex } from '../../src/core/vector-index';
import { clusteredVectors } from '../support/synthetic-vectors';

function build(count: number, dim: number, seed: number, kernel?: 'js') {
  const data = clusteredVectors(count, dim, { seed });
  const index = new VectorIndex(dim, 1_024, kernel ? { kernel } : {});
  index.addMany(data.ids, data.vectors);
  return { ...data, index };
}

test('Chromium validates the SIMD kernels and an index uses them by default', () => {
  expect(simdSupported()).toBe(true);
  expect(new VectorIndex(384).kernel).toBe('wasm-simd');
});

test('SIMD and JavaScript kernels give the same hits and scores on the same data (20k × 384)', () => {
  const simd = build(20_000, 384, 3);
  const js = build(20_000, 384, 3, 'js');
  expect(simd.index.kernel).toBe('wasm-simd');
  expect(js.index.kernel).toBe('js');
  const exact = (id: string) => simd.vectors.subarray(Number(id.slice(1)) * 384, (Number(id.slice(1)) + 1) * 384);
  const even = (id: string) => Number(id.slice(1)) % 2 === 0;
  for (const query of simd.queries) {
    for (const options of [{ limit: 10 }, { limit: 50 }, { limit: 10, filter: even }, { limit: 10, exact }]) {
      const a = simd.index.search(query, options);
      const b = js.index.search(query, options);
      expect(a.map((h) => h.id)).toEqual(b.map((h) => h.id));
      a.forEach((hit, i) => {
        expect(hit.score).toBeCloseTo(b[i]?.score ?? Number.NaN, 12);
      });
    }
  }
  expect(simd.index.bytes / 2 ** 20).toBeLessThan(64);
});

