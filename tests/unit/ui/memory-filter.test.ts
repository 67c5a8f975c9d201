// The Memories view's search box and filters, and the category choices it offers.
import { expect, test } from 'vitest';
import type { Memory } from '../../../src/core/memory';
import { authorName, filterMemories, memoryCategories, NO_FILTER } from '../../../src/ui/memories/memory-filter';

const memory = (id: string, text: string, more: Partial<Memory> = {}): Memory => ({
  id,
  text,
  sourceEventIds: [],
  confidence: 1,
  pinned: false,
  createdAt: 0,
  updatedAt: 0,
  history: [],
  ...more,
});

const all = [
  memory('a', 'Cooks vegetarian food', { category: 'preference', pinned: true }),
  memory('b', 'Is learning Portuguese', { category: 'goal' }),
  memory('c', 'Rides a touring bike'),
];
const ids = (memories: Memory[]) => memories.map((m) => m.id);

test('no filter shows everything, in the given order', () => {
  expect(ids(filterMemories(all, NO_FILTER))).toEqual(['a', 'b', 'c']);
});

test('search matches every word, in the text or the category, ignoring case', () => {
  expect(ids(filterMemories(all, { ...NO_FILTER, text: 'PORTUGUESE' }))).toEqual(['b']);
  expect(ids(filterMemories(all, { ...NO_FILTER, text: 'goal learning' }))).toEqual(['b']);
  expect(ids(filterMemories(all, { ...NO_FILTER, text: 'bike vegetarian' }))).toEqual([]);
  expect(ids(filterMemories(all, { ...NO_FILTER, text: '   ' }))).toEqual(['a', 'b', 'c']);
});

test('category and pinned filters combine with the search', () => {
  expect(ids(filterMemories(all, { ...NO_FILTER, category: 'goal' }))).toEqual(['b']);
  expect(ids(filterMemories(all, { ...NO_FILTER, pinned: 'pinned' }))).toEqual(['a']);
  expect(ids(filterMemories(all, { ...NO_FILTER, pinned: 'unpinned' }))).toEqual(['b', 'c']);
  expect(ids(filterMemories(all, { text: 'r', category: 'preference', pinned: 'unpinned' }))).toEqual([]);
});

test('categories in use, once each, sorted', () => {
  expect(memoryCategories([...all, memory('d', 'x', { category: 'goal' })])).toEqual(['goal', 'preference']);
});

test('authors are named for people', () => {
  expect(authorName('user')).toBe('you');
  expect(authorName('model')).toBe('the model');
});
