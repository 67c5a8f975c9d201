// The quantized dense index: close to exact search, incremental, filtered, within its memory budget.
import { describe, expect, test } from 'vitest';
import { exactSearch, recallAt } from '../../../src/core/exact-search';
import { VectorIndex, normalised } from '../../../src/core/vector-index';
import { clusteredVectors } from '../../support/synthetic-vectors';

function build(count: number, dim: number, seed = 7) {
  const data = clusteredVectors(count, dim, { seed });
  const index = new VectorIndex(dim);
  index.addMany(data.ids, data.vectors);
  return { ...data, index };
}

describe('VectorIndex', () => {
  test.each([
    [10_000, 100],
    [10_000, 384],
  ])('recall@10 against exact Float32 search on clustered data (%i × %i): ≥ 0.98 with exact re-rank, ≥ 0.9 on int8 alone', (count, dim) => {
    const { ids, vectors, queries, index } = build(count, dim);
    const exact = (id: string) => vectors.subarray(Number(id.slice(1)) * dim, (Number(id.slice(1)) + 1) * dim);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const truths = queries.map((q) => exactSearch(ids, vectors, dim, q, 10));
    expect(mean(queries.map((q, i) => recallAt(index.search(q, { limit: 10, exact }), truths[i] ?? [])))).toBeGreaterThanOrEqual(0.98);
    const int8Only = new VectorIndex(dim, count, { exactBudgetBytes: 0 });
    int8Only.addMany(ids, vectors);
    expect(int8Only.exact).toBe(false);
    expect(mean(queries.map((q, i) => recallAt(int8Only.search(q, { limit: 10 }), truths[i] ?? [])))).toBeGreaterThanOrEqual(0.9);
  });

  test('without any exact source, the 2-bit residual refinement lifts recall@10 to ≥ 0.98 and halves the worst score error', () => {
    const dim = 384;
    const { ids, vectors, queries } = clusteredVectors(10_000, dim, { seed: 5 });
    const cosine = (id: string, query: Float32Array) => {
      const q = normalised(query);
      const v = normalised(vectors.subarray(Number(id.slice(1)) * dim, (Number(id.slice(1)) + 1) * dim));
      return v.reduce((sum, x, d) => sum + x * (q[d] as number), 0);
    };
    const index = new VectorIndex(dim, 1_024, { exactBudgetBytes: 0 });
    for (let start = 0; start < ids.length; start += 1_000) index.addMany(ids.slice(start, start + 1_000), vectors.subarray(start * dim, (start + 1_000) * dim));
    let refined = 0;
    let unrefined = 0;
    let refinedError = 0;
    let unrefinedError = 0;
    for (const query of queries) {
      const truth = exactSearch(ids, vectors, dim, query, 10);
      const hits = index.search(query, { limit: 10 });
      const plain = index.search(query, { limit: 10, refine: 0 });
      refined += recallAt(hits, truth) / queries.length;
      unrefined += recallAt(plain, truth) / queries.length;
      for (const hit of hits) refinedError = Math.max(refinedError, Math.abs(hit.score - cosine(hit.id, query)));
      for (const hit of plain) unrefinedError = Math.max(unrefinedError, Math.abs(hit.score - cosine(hit.id, query)));
    }
    expect(refined).toBeGreaterThanOrEqual(0.98);
    expect(refined).toBeGreaterThan(unrefined);
    expect(refinedError).toBeLessThan(5e-4);
    expect(refinedError).toBeLessThan(unrefinedError / 2);
  });

  test('keeps its own full-precision copies within the budget, for exact results, and drops them past it', () => {
    const { ids, vectors, queries, index } = build(4_000, 100);
    expect(index.exact).toBe(true);
    const truths = queries.map((q) => exactSearch(ids, vectors, 100, q, 10));
    const recalls = queries.map((q, i) => recallAt(index.search(q, { limit: 10 }), truths[i] ?? []));
    expect(recalls.every((r) => r === 1)).toBe(true);
    const small = new VectorIndex(100, 16, { exactBudgetBytes: 100 * 4 * 10 });
    small.addMany(ids.slice(0, 10), vectors.subarray(0, 1_000));
    expect(small.exact).toBe(true);
    small.add('one-more', vectors.subarray(1_000, 1_100));
    expect(small.exact).toBe(false);
  });

  test('scores estimate the exact cosine closely', () => {
    const { ids, vectors, queries, index } = build(2_000, 64);
    const query = queries[0] as Float32Array;
    const exact = new Map(exactSearch(ids, vectors, 64, query, 2_000).map((h) => [h.id, h.score]));
    for (const hit of index.search(query, { limit: 10 })) expect(Math.abs(hit.score - (exact.get(hit.id) ?? 9))).toBeLessThan(0.01);
  });

  test('finds an exact copy of a stored vector first, with similarity ≈ 1', () => {
    const { vectors, index } = build(5_000, 100);
    const copy = vectors.slice(1234 * 100, 1235 * 100);
    const [top] = index.search(copy, { limit: 1 });
    expect(top?.id).toBe('v1234');
    expect(top?.score).toBeGreaterThan(0.999);
  });

  test('removes, replaces and compacts without changing results for the rest', () => {
    const { ids, vectors, queries, index } = build(3_000, 32);
    const query = queries[1] as Float32Array;
    const before = index.search(query, { limit: 20 });
    const dropped = before.slice(0, 5).map((h) => h.id);
    dropped.forEach((id) => index.remove(id));
    expect(index.size).toBe(2_995);
    const after = index.search(query, { limit: 15 });
    expect(after.map((h) => h.id)).toEqual(before.slice(5, 20).map((h) => h.id));
    index.compact();
    expect(index.search(query, { limit: 15 }).map((h) => h.id)).toEqual(after.map((h) => h.id));
    // Replacing a vector moves the item.
    index.add('v0', query);
    expect(index.search(query, { limit: 1 })[0]?.id).toBe('v0');
    expect(index.size).toBe(2_995);
    // A fresh index of the same final data gives the same answer.
    const fresh = new VectorIndex(32);
    const keep = ids.filter((id) => !dropped.includes(id) && id !== 'v0');
    fresh.addMany(keep, Float32Array.from(keep.flatMap((id) => Array.from(vectors.subarray(Number(id.slice(1)) * 32, (Number(id.slice(1)) + 1) * 32)))));
    fresh.add('v0', query);
    expect(fresh.search(query, { limit: 10 }).map((h) => h.id)).toEqual(index.search(query, { limit: 10 }).map((h) => h.id));
  });

  test('filters restrict the candidates before ranking', () => {
    const { queries, index } = build(4_000, 48);
    const even = (id: string) => Number(id.slice(1)) % 2 === 0;
    const hits = index.search(queries[2] as Float32Array, { limit: 10, filter: even });
    expect(hits).toHaveLength(10);
    expect(hits.every((h) => even(h.id))).toBe(true);
    expect(index.search(queries[2] as Float32Array, { limit: 10, filter: () => false })).toEqual([]);
  });

  test('a filter that allows fewer items than the candidate count never lets excluded items in', () => {
    const { queries, index } = build(300, 16);
    const allowed = new Set(['v5', 'v150', 'v299']);
    const hits = index.search(queries[0] as Float32Array, { limit: 10, filter: (id) => allowed.has(id) });
    expect(hits.map((h) => h.id).sort()).toEqual([...allowed].sort());
  });

  test('refuses vectors that are not finite numbers, adding nothing', () => {
    const index = new VectorIndex(2);
    expect(() => {
      index.addMany(['a', 'b'], Float32Array.from([1, 0, Number.NaN, 1]));
    }).toThrow(/finite/);
    expect(index.size).toBe(0);
  });

  test('equal scores rank by id whatever the insertion order', () => {
    const same = Float32Array.from([0.6, 0.8]);
    for (const order of [['b', 'a', 'c'], ['a', 'c', 'b'], ['c', 'b', 'a']]) {
      const index = new VectorIndex(2);
      for (const id of order) index.add(id, same);
      expect(index.search(same, { limit: 2 }).map((h) => h.id)).toEqual(['a', 'b']);
    }
  });

  test('when more items tie than the re-rank keeps, the smallest ids are kept, on both kernels', () => {
    // 300 equal vectors in shuffled order and a few others: every re-rank bar falls among the tied ones.
    const same = Float32Array.from([0.6, 0.8, 0]);
    const ids = Array.from({ length: 300 }, (_, i) => `id-${String(i).padStart(3, '0')}`);
    for (let i = ids.length - 1; i > 0; i--) {
      const j = (i * 7919) % (i + 1);
      [ids[i], ids[j]] = [ids[j] as string, ids[i] as string];
    }
    for (const kernel of ['wasm-simd', 'js'] as const) {
      const index = new VectorIndex(3, 16, { kernel, exactBudgetBytes: 0 });
      for (const id of ids) index.add(id, same);
      index.add('other', Float32Array.from([0, 0, 1]));
      const expected = ['id-000', 'id-001', 'id-002', 'id-003', 'id-004'];
      expect(index.search(same, { limit: 5, refine: 0 }).map((h) => h.id)).toEqual(expected);
      expect(index.search(same, { limit: 5 }).map((h) => h.id)).toEqual(expected);
    }
  });

  test('similarity and vectorOf decode stored items', () => {
    const index = new VectorIndex(3);
    index.addMany(['a', 'b', 'c'], Float32Array.from([1, 0, 0, 2, 0, 0, 0, 1, 0]));
    expect(index.similarity('a', 'b')).toBeCloseTo(1, 2);
    expect(index.similarity('a', 'c')).toBeCloseTo(0, 2);
    expect(Array.from(index.vectorOf('b') ?? [])).toEqual(Array.from(normalised(Float32Array.from([1, 0, 0]))));
    expect(() => index.search(new Float32Array(2), { limit: 1 })).toThrow(/3/);
  });

  test('memory at 100k × 384 stays under the 64 MB budget (arrays sized, not filled)', () => {
    const index = new VectorIndex(384, 100_000);
    expect(index.bytes / 2 ** 20).toBeLessThan(64);
  });

  test('memory at 100k × 384, filled in batches from a small start (growth slack and residual blocks included), stays under 64 MB', () => {
    const dim = 384;
    const index = new VectorIndex(dim, 1_024);
    const batch = new Float32Array(1_000 * dim);
    for (let i = 0; i < batch.length; i++) batch[i] = Math.sin(i);
    for (let start = 0; start < 100_000; start += 1_000) index.addMany(Array.from({ length: 1_000 }, (_, i) => `v${start + i}`), batch);
    expect(index.exact).toBe(false);
    // Residuals: 100k × 96 bytes in whole blocks; growth adds at most 8,192 slots of room.
    expect(index.bytes).toBeGreaterThan(100_000 * (384 + 48 + 4 + 1 + 96));
    expect(index.bytes / 1e6).toBeLessThan(64);
  });
});
