// The keyword index's WebAssembly kernels (src/core/kernels/keyword-kernels.ts) against plain reference loops, and
// Bm25Index on them against the same index on its JavaScript fallback: the same hits, the same score bits, through
// adds, removals, compaction, growth, groups, filters, ties and lengths past the norm table.
import { describe, expect, test } from 'vitest';
import { Bm25Index, type QueryTerm } from '../../../src/core/bm25';
import { KeywordArena, keywordKernelBytes, keywordModule } from '../../../src/core/kernels/keyword-kernels';
import { seededRandom } from '../../support/seeded-random';

describe('the kernels', () => {
  test('assemble deterministically into a valid module, and Node runs them', () => {
    const bytes = keywordKernelBytes();
    expect(WebAssembly.validate(bytes)).toBe(true);
    expect(keywordKernelBytes()).toEqual(bytes);
    expect(keywordModule()).not.toBeNull();
    expect(new Bm25Index().kernel).toBe('wasm');
    expect(new Bm25Index({ kernel: 'js' }).kernel).toBe('js');
  });

  test('kthLargest and partition match a sort, with many equal scores', () => {
    const random = seededRandom(7);
    const arena = new KeywordArena('wasm');
    const kernels = arena.kernels;
    if (!kernels) throw new Error('no kernels');
    for (let round = 0; round < 200; round++) {
      const count = 1 + Math.floor(random() * 3_000);
      // Few distinct values, so ties at the bar are the rule.
      const distinct = 1 + Math.floor(random() * 40);
      arena.reserveQuery(count, count, 0);
      const values = Array.from({ length: count }, () => Math.floor(random() * distinct) / 7);
      arena.scores.set(values, 1);
      const k = 1 + Math.floor(random() * count);
      const l = arena.layout;
      const bar = kernels.kthLargest(l.scores, count, k, l.heap);
      expect(bar).toBe([...values].sort((x, y) => y - x)[k - 1]);
      if (k === count) continue;
      const above = kernels.partition(l.scores, count, bar, l.above, l.tied, l.tiedCount, 0);
      const positions = values.map((_, i) => i + 1);
      expect(Array.from(arena.above.subarray(0, above))).toEqual(positions.filter((p) => (values[p - 1] as number) > bar));
      expect(Array.from(arena.tied.subarray(0, arena.tiedCount))).toEqual(positions.filter((p) => values[p - 1] === bar));
    }
  });
});

describe('Bm25Index on the kernels and on the JavaScript fallback', () => {
  test('random corpora, changes and queries: the same hits and the same score bits', () => {
    const random = seededRandom(31);
    const vocabulary = Array.from({ length: 60 }, (_, i) => `w${i}`);
    const word = (): string => vocabulary[Math.floor(random() * random() * vocabulary.length)] as string;
    const wasm = new Bm25Index({ kernel: 'wasm', compaction: { minDeadSlots: 50, deadFraction: 0.2 } });
    const js = new Bm25Index({ kernel: 'js', compaction: { minDeadSlots: 50, deadFraction: 0.2 } });
    let next = 0;
    const live: string[] = [];
    let checked = 0;
    for (let round = 0; round < 40; round++) {
      // Grow (the arenas reallocate), replace and remove (dead slots, then compaction).
      const adds = Math.floor(random() * 400);
      for (let i = 0; i < adds; i++) {
        const replace = live.length > 0 && random() < 0.1;
        const id = replace ? (live[Math.floor(random() * live.length)] as string) : `doc-${String(next++).padStart(5, '0')}`;
        const terms = new Map<string, number>();
        for (let t = 0, n = 1 + Math.floor(random() * 6); t < n; t++) terms.set(word(), 1 + Math.floor(random() * random() * 4));
        // Now and then a document longer than the norm table holds.
        if (random() < 0.01) terms.set('long', 4_000 + Math.floor(random() * 3_000));
        wasm.add(id, terms);
        js.add(id, terms);
        if (!replace) live.push(id);
      }
      const removals = Math.floor(random() * 120);
      for (let i = 0; i < removals && live.length > 0; i++) {
        const [id] = live.splice(Math.floor(random() * live.length), 1) as [string];
        expect(wasm.remove(id)).toBe(js.remove(id));
      }
      for (let q = 0; q < 10; q++) {
        const query: QueryTerm[] = Array.from({ length: 1 + Math.floor(random() * 3) }, () => (random() < 0.3 ? [word(), word(), word()] : word()));
        if (random() < 0.1) query.push('long');
        const limit = [1, 5, 50, 10_000][Math.floor(random() * 4)] as number;
        const filter = random() < 0.2 ? (id: string) => id.endsWith('3') || id.endsWith('7') : undefined;
        const options = { limit, ...(filter ? { filter } : {}) };
        const fromWasm = wasm.search(query, options);
        const fromJs = js.search(query, options);
        expect(fromWasm).toEqual(fromJs);
        expect(fromWasm.every((hit, i) => Object.is(hit.score, fromJs[i]?.score))).toBe(true);
        checked += fromWasm.length;
      }
    }
    // The run reached real sizes: many hits compared, slots reallocated, compaction done.
    expect(checked).toBeGreaterThan(10_000);
    expect(wasm.stats()).toEqual(js.stats());
  });

  test('ties at the limit are broken by the smaller id, whatever the insertion order', () => {
    // 300 documents with the same single term and length: all score the same. Ids inserted in shuffled order.
    const random = seededRandom(3);
    const ids = Array.from({ length: 300 }, (_, i) => `id-${String(i).padStart(3, '0')}`);
    for (let i = ids.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [ids[i], ids[j]] = [ids[j] as string, ids[i] as string];
    }
    for (const kernel of ['wasm', 'js'] as const) {
      const index = new Bm25Index({ kernel });
      for (const id of ids) index.add(id, new Map([['same', 1]]));
      index.add('better', new Map([['same', 3]]));
      expect(index.search(['same'], { limit: 6 }).map((hit) => hit.id)).toEqual(['better', 'id-000', 'id-001', 'id-002', 'id-003', 'id-004']);
    }
  });
});
