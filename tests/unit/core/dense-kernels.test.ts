// The dense index's kernels: the WebAssembly SIMD build (assembled at run time by src/core/kernels/wasm-emitter.ts)
// and the JavaScript fallback agree exactly with each other and with plain reference loops; VectorIndex gives the
// same answers on either; quantizing the query to int16 for the re-rank costs no recall.
import { describe, expect, test } from 'vitest';
import { exactSearch, recallAt } from '../../../src/core/exact-search';
import { DenseArena, kernelBytes, popcount, simdSupported } from '../../../src/core/kernels/dense-kernels';
import { emitModule, sleb, uleb } from '../../../src/core/kernels/wasm-emitter';
import { VectorIndex, normalised, type VectorHit, type VectorSearchOptions } from '../../../src/core/vector-index';
import { seededRandom } from '../../support/seeded-random';
import { clusteredVectors } from '../../support/synthetic-vectors';

describe('wasm-emitter', () => {
  test('LEB128 encodings', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624_485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(uleb(0xffff_ffff)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(sleb(0)).toEqual([0]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(-64)).toEqual([0x40]);
    expect(sleb(-65)).toEqual([0xbf, 0x7f]);
    expect(sleb(-123_456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(() => uleb(-1)).toThrow(RangeError);
  });

  test('an empty module is the 8-byte header and valid', () => {
    const bytes = emitModule([]);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    expect(WebAssembly.validate(bytes)).toBe(true);
  });

  test.each([
    [1, 1],
    [7, 1],
    [24, 3],
    [263, 33],
  ])('the kernels validate (%i code chunks, %i signature chunks) and are assembled deterministically', (codeChunks, signChunks) => {
    const bytes = kernelBytes(codeChunks, signChunks);
    expect(WebAssembly.validate(bytes)).toBe(true);
    expect(kernelBytes(codeChunks, signChunks)).toEqual(bytes);
  });

  test('Node 20 runs WebAssembly SIMD, so an index picks the SIMD kernels by default', () => {
    expect(simdSupported()).toBe(true);
    expect(new VectorIndex(8).kernel).toBe('wasm-simd');
    expect(new VectorIndex(8, 16, { kernel: 'js' }).kernel).toBe('js');
  });
});

/** An arena per kernel kind filled with the same random rows (some tombstoned) and the same query. */
function arenas(dim: number, count: number, seed: number): DenseArena[] {
  const random = seededRandom(seed);
  const rows = Array.from({ length: count }, () => ({
    codes: Int8Array.from({ length: dim }, () => Math.round(random() * 254 - 127)),
    signs: Uint32Array.from({ length: Math.ceil(dim / 32) }, (_, w) => {
      const bits = Math.min(32, dim - 32 * w);
      return bits === 32 ? Math.floor(random() * 2 ** 32) : Math.floor(random() * 2 ** bits);
    }),
    live: random() < 0.9 ? 1 : 0,
  }));
  const query = Int16Array.from({ length: dim }, () => Math.round(random() * 2 - 1) * Math.floor(random() * 32_768));
  const querySigns = Uint32Array.from({ length: Math.ceil(dim / 32) }, (_, w) => {
    const bits = Math.min(32, dim - 32 * w);
    return bits === 32 ? Math.floor(random() * 2 ** 32) : Math.floor(random() * 2 ** bits);
  });
  return (['wasm-simd', 'js'] as const).map((kind) => {
    // Start small and grow, so the kernels also run over regions that moved.
    const arena = new DenseArena(dim, 3, kind);
    arena.reserve(Math.max(3, count >> 1));
    arena.reserve(count);
    // Room for every slot as a candidate (the tests collect them all), taken before the query is written.
    arena.reserveCandidates(count);
    rows.forEach((row, slot) => {
      arena.codes.set(row.codes, slot * arena.codeStride);
      arena.signs.set(row.signs, slot * arena.signStride);
      arena.live[slot] = row.live;
    });
    arena.query.set(query);
    arena.querySigns.set(querySigns);
    return arena;
  });
}

describe('DenseArena kernels: WebAssembly SIMD and JavaScript agree with reference loops', () => {
  test.each([
    [1, 50],
    [33, 1_000],
    [100, 2_003],
    [384, 3_001],
    [4_200, 300],
  ])('dim %i, %i slots: distances, histogram, candidates and dot products', (dim, count) => {
    const [wasm, js] = arenas(dim, count, dim + count);
    if (!wasm || !js) throw new Error('no arenas');
    expect(wasm.kind).toBe('wasm-simd');
    expect(js.kind).toBe('js');
    const excluded = dim + 1;
    const words = Math.ceil(dim / 32);
    // Reference distances, straight from the rows.
    const reference = Array.from({ length: count }, (_, slot) => {
      if (!js.live[slot]) return excluded;
      let d = 0;
      for (let w = 0; w < words; w++) d += popcount(((js.signs[slot * js.signStride + w] as number) ^ (js.querySigns[w] as number)) >>> 0);
      return d;
    });
    for (const arena of [wasm, js]) {
      arena.histogram.fill(7); // hamming zeroes it
      arena.hamming(count, excluded);
      expect(Array.from(arena.distances.subarray(0, count))).toEqual(reference);
      const histogram = new Array<number>(dim + 2).fill(0);
      for (const d of reference) histogram[d] = (histogram[d] as number) + 1;
      expect(Array.from(arena.histogram)).toEqual(histogram);
    }
    // Collect at a few cutoffs, with ties split at the cutoff.
    const sorted = reference.filter((d) => d !== excluded).sort((a, b) => a - b);
    for (const wanted of [1, 7, Math.ceil(count / 10), count]) {
      const cutoff = sorted[Math.min(wanted, sorted.length) - 1] ?? 0;
      const below = sorted.filter((d) => d < cutoff).length;
      const atCutoff = Math.min(wanted, sorted.length) - below;
      const expected: number[] = [];
      let tied = 0;
      reference.forEach((d, slot) => {
        if (d < cutoff || (d === cutoff && tied++ < atCutoff)) expected.push(slot);
      });
      for (const arena of [wasm, js]) {
        const n = arena.collect(count, cutoff, atCutoff, below + atCutoff);
        expect(Array.from(arena.candidates.subarray(0, n))).toEqual(expected);
      }
    }
    // Dot products of the last collected candidates (everything), against a plain loop.
    const n = wasm.collect(count, dim, count, count);
    js.collect(count, dim, count, count);
    const dots = Array.from(wasm.candidates.subarray(0, n), (slot) => {
      let sum = 0;
      for (let d = 0; d < dim; d++) sum += (js.query[d] as number) * (js.codes[slot * js.codeStride + d] as number);
      return sum;
    });
    for (const arena of [wasm, js]) {
      arena.dot(n);
      expect(Array.from(arena.dots.subarray(0, n))).toEqual(dots);
    }
    // Residual sums over random 2-bit residual rows, against a plain loop (components past dim read query 0).
    const rows = 9;
    const residualWords = js.residualWords;
    const random = seededRandom(count);
    for (const arena of [wasm, js]) arena.reserveCandidates(count, rows);
    const residualRows = Uint32Array.from({ length: rows * residualWords }, () => Math.floor(random() * 2 ** 32));
    const residualSums = Array.from({ length: rows }, (_, i) => {
      let sum = 0;
      for (let d = 0; d < dim; d++) sum += (js.query[d] as number) * (2 * (((residualRows[i * residualWords + (d >>> 4)] as number) >>> (2 * (d % 16))) & 3) - 3);
      return sum;
    });
    for (const arena of [wasm, js]) {
      arena.residualRows.set(residualRows);
      arena.sumResiduals(rows);
      expect(Array.from(arena.residualSums.subarray(0, rows))).toEqual(residualSums);
    }
    // Their scores (dot × scale, the same bits), then above and at the keep-th best, against a sort. Scales with
    // few distinct values so equal scores are common.
    for (const arena of [wasm, js]) {
      for (let slot = 0; slot < count; slot++) arena.scales[slot] = 1 / (1 + (slot % 5));
      arena.dot(n);
    }
    const scores = Array.from({ length: n }, (_, i) => (dots[i] as number) * (js.scales[js.candidates[i] as number] as number));
    for (const keep of [1, 7, Math.ceil(n / 3), n - 1, n, n + 5].filter((k) => k >= 1)) {
      const size = Math.min(keep, n);
      const bar = size < n ? ([...scores].sort((x, y) => y - x)[size - 1] as number) : Number.NEGATIVE_INFINITY;
      const indices = scores.map((_, i) => i);
      for (const arena of [wasm, js]) {
        const above = arena.select(n, keep);
        expect(Array.from(arena.scores.subarray(0, n))).toEqual(scores);
        expect(Array.from(arena.above.subarray(0, above))).toEqual(indices.filter((i) => (scores[i] as number) > bar));
        expect(Array.from(arena.tied.subarray(0, arena.tiedCount))).toEqual(indices.filter((i) => scores[i] === bar));
      }
    }
    // With every slot live, the kernel that skips the live flags (allLive) gives the same distances and histogram.
    for (const arena of [wasm, js]) {
      arena.live.fill(1, 0, count);
      arena.hamming(count, excluded);
      const distances = Array.from(arena.distances.subarray(0, count));
      const histogram = Array.from(arena.histogram);
      expect(distances).not.toContain(excluded);
      arena.distances.fill(0);
      arena.histogram.fill(7);
      arena.hamming(count, excluded, true);
      expect(Array.from(arena.distances.subarray(0, count))).toEqual(distances);
      expect(Array.from(arena.histogram)).toEqual(histogram);
    }
  });

  test('the quantized query is bounded so that no dot product can overflow an int32', () => {
    for (const dim of [1, 384, 1_536, 4_096, 20_000]) {
      const arena = new DenseArena(dim, 1, 'js');
      expect(arena.queryMax).toBeGreaterThan(0);
      expect(arena.queryMax).toBeLessThanOrEqual(32_767);
      expect(arena.codeStride * 127 * arena.queryMax).toBeLessThan(2 ** 31);
    }
  });

  test('an extreme row and query give the extreme dot product on both kernels', () => {
    for (const kind of ['wasm-simd', 'js'] as const) {
      const arena = new DenseArena(1_536, 2, kind);
      arena.codes.fill(-127, 0, 1_536);
      arena.query.fill(-arena.queryMax);
      arena.candidates[0] = 0;
      arena.dot(1);
      expect(arena.dots[0]).toBe(1_536 * 127 * arena.queryMax);
    }
  });
});

describe('VectorIndex gives identical results on the SIMD and JavaScript kernels', () => {
  function pair(count: number, dim: number, seed: number) {
    const data = clusteredVectors(count, dim, { seed });
    const indexes = (['wasm-simd', 'js'] as const).map((kernel) => {
      // Small initial capacity: batches grow the arena several times. No full-precision copies: searches without an
      // exact source take the residual refinement.
      const index = new VectorIndex(dim, 16, { kernel, exactBudgetBytes: 0 });
      for (let start = 0; start < count; start += 700) index.addMany(data.ids.slice(start, start + 700), data.vectors.subarray(start * dim, Math.min(count, start + 700) * dim));
      return index;
    });
    return { ...data, wasm: indexes[0] as VectorIndex, js: indexes[1] as VectorIndex };
  }

  function same(wasm: VectorIndex, js: VectorIndex, query: Float32Array, options: VectorSearchOptions): VectorHit[] {
    const a = wasm.search(query, options);
    const b = js.search(query, options);
    expect(a.map((h) => h.id)).toEqual(b.map((h) => h.id));
    // The same bits: integer kernels, and each score one IEEE-754 expression evaluated alike.
    expect(a.map((h) => h.score)).toEqual(b.map((h) => h.score));
    return a;
  }

  test.each([
    [5_000, 384],
    [4_000, 100],
    [3_000, 45],
  ])('%i × %i: plain, deep, filtered, few candidates, exact re-rank; after removals and compaction', (count, dim) => {
    const { vectors, queries, wasm, js } = pair(count, dim, count + dim);
    expect(wasm.kernel).toBe('wasm-simd');
    expect(js.kernel).toBe('js');
    const exact = (id: string) => vectors.subarray(Number(id.slice(1)) * dim, (Number(id.slice(1)) + 1) * dim);
    const odd = (id: string) => Number(id.slice(1)) % 2 === 1;
    const check = () =>
      queries.slice(0, 8).flatMap((query) => [
        same(wasm, js, query, { limit: 10 }),
        same(wasm, js, query, { limit: 50 }),
        same(wasm, js, query, { limit: 10, refine: 0 }),
        same(wasm, js, query, { limit: 10, filter: odd }),
        same(wasm, js, query, { limit: 10, candidates: 17 }),
        same(wasm, js, query, { limit: 10, exact }),
      ]);
    check();
    for (let i = 0; i < count; i += 3) {
      wasm.remove(`v${i}`);
      js.remove(`v${i}`);
    }
    expect(wasm.size).toBe(js.size);
    const beforeCompaction = check();
    wasm.compact();
    js.compact();
    // Compaction moves codes, scales and residuals together: the same hits with the same scores.
    expect(check()).toEqual(beforeCompaction);
    const some = `v${count - 1}`;
    expect(wasm.similarity(some, 'v1')).toBe(js.similarity(some, 'v1'));
    expect(wasm.vectorOf(some)).toEqual(js.vectorOf(some));
  });

  test('bytes count the whole buffer, and stay under the 64 MB budget at 100k × 384 on both kernels', () => {
    for (const kernel of ['wasm-simd', 'js'] as const) {
      const index = new VectorIndex(384, 100_000, { kernel });
      // Codes, signatures, scales and live flags alone are 43.7 MB; scratch adds 1 MB.
      expect(index.bytes).toBeGreaterThanOrEqual(100_000 * (384 + 48 + 4 + 1));
      expect(index.bytes / 2 ** 20).toBeLessThan(64);
    }
  });
});

describe('int16 query quantization in the re-rank', () => {
  test('keeps the top 10 of a float re-rank of the same candidates, and recall@10 against exact search', () => {
    const dim = 384;
    const { ids, vectors, queries } = clusteredVectors(10_000, dim, { seed: 11 });
    // The int8 path itself: no full-precision copies, and no residual refinement (refine: 0 below).
    const index = new VectorIndex(dim, 1_024, { exactBudgetBytes: 0 });
    index.addMany(ids, vectors);
    const candidates = Math.ceil(10_000 / 50);
    let agreement = 0;
    let recallQuantized = 0;
    let recallFloat = 0;
    for (const query of queries) {
      const q = normalised(query);
      // All of the pre-filter's candidates, then the float re-rank of the old path: query floats × decoded codes.
      const pool = index.search(query, { limit: candidates, candidates, refine: 0 });
      const float = pool
        .map(({ id }) => {
          const v = index.vectorOf(id) ?? new Float32Array(dim);
          let dot = 0;
          for (let d = 0; d < dim; d++) dot += (q[d] as number) * (v[d] as number);
          return { id, score: dot };
        })
        .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
        .slice(0, 10);
      const quantized = index.search(query, { limit: 10, candidates, refine: 0 });
      agreement += recallAt(quantized, float);
      const truth = exactSearch(ids, vectors, dim, query, 10);
      recallQuantized += recallAt(quantized, truth);
      recallFloat += recallAt(float, truth);
      // Scores stay the int8 estimate of the cosine.
      for (const hit of quantized) expect(Math.abs(hit.score - (float.find((f) => f.id === hit.id)?.score ?? hit.score))).toBeLessThan(1e-4);
    }
    expect(agreement / queries.length).toBeGreaterThanOrEqual(0.99);
    expect(recallQuantized).toBeGreaterThanOrEqual(recallFloat);
  });
});
