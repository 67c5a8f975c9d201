import { expect, test } from 'vitest';
import { TopK } from '../../../src/core/top-k';
import { seededRandom } from '../../support/seeded-random';


const byValue = (a: number, b: number): number => a - b;

test('keeps the k largest items, best first, matching a full sort', () => {
  const random = seededRandom(7);
  for (const k of [1, 3, 10, 64]) {
    const values = Array.from({ length: 500 }, () => Math.floor(random() * 200));
    const top = new TopK<number>(k, byValue);
    for (const value of values) top.push(value);
    expect(top.size).toBe(k);
    expect(top.drain()).toEqual([...values].sort((a, b) => b - a).slice(0, k));
  }
});

test('holds fewer than k when fewer were offered, and capacity 0 keeps nothing', () => {
  const top = new TopK<number>(5, byValue);
  [3, 1, 2].forEach((v) => top.push(v));
  expect(top.drain()).toEqual([3, 2, 1]);
  const none = new TopK<number>(0, byValue);
  expect(none.push(1)).toBe(false);
  expect(none.drain()).toEqual([]);
  expect(() => new TopK<number>(-1, byValue)).toThrow(RangeError);
  expect(() => new TopK<number>(1.5, byValue)).toThrow(RangeError);
});

test('rejects a candidate that does not beat the worst kept, and exposes that worst', () => {
  const top = new TopK<number>(2, byValue);
  expect(top.push(5)).toBe(true);
  expect(top.push(9)).toBe(true);
  expect(top.peekWorst()).toBe(5);
  expect(top.push(5)).toBe(false); // equal to the worst is not better
  expect(top.push(4)).toBe(false);
  expect(top.push(7)).toBe(true);
  expect(top.peekWorst()).toBe(7);
});

test('ties are broken by the order given, so the result is deterministic whatever the arrival order', () => {
  interface Hit { id: string; score: number }
  const order = (a: Hit, b: Hit): number => a.score - b.score || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
  const hits: Hit[] = ['e', 'a', 'd', 'b', 'c', 'f'].map((id) => ({ id, score: id === 'f' ? 2 : 1 }));
  const random = seededRandom(99);
  for (let round = 0; round < 20; round++) {
    const shuffled = [...hits].sort(() => random() - 0.5);
    const top = new TopK<Hit>(3, order);
    shuffled.forEach((hit) => top.push(hit));
    expect(top.drain().map((hit) => hit.id)).toEqual(['f', 'a', 'b']);
  }
});

test('drain empties the heap so it can be reused', () => {
  const top = new TopK<number>(2, byValue);
  [1, 2, 3].forEach((v) => top.push(v));
  expect(top.drain()).toEqual([3, 2]);
  expect(top.size).toBe(0);
  [10, 20].forEach((v) => top.push(v));
  top.clear();
  expect(top.peekWorst()).toBeUndefined();
});
