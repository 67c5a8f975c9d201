// The Profile view's wording of its numbers: trends, shares, the sparkline's shape, style traits and cold start.
import { describe, expect, test } from 'vitest';
import type { StyleTraits } from '../../../src/core/style-traits';
import {
  describeStyle,
  interestName,
  isColdStart,
  percent,
  sparklinePoints,
  storedInterests,
  storedStyle,
  trendDirection,
} from '../../../src/ui/profile/profile-words';

const style = (more: Partial<StyleTraits> = {}): StyleTraits => ({
  messages: 40,
  words: 400,
  averageWords: 10,
  medianWords: 6,
  formality: 0.2,
  emojiRate: 0.25,
  emojiPerMessage: 0.3,
  topEmoji: ['🚲', '🙂'],
  questionRate: 0.5,
  language: 'pt',
  languages: { pt: 1 },
  confidence: { length: 0.9, formality: 0.9, emoji: 0.9, questions: 0.9, language: 0.9 },
  since: 1,
  until: 2,
  ...more,
});

describe('trendDirection', () => {
  test('compares the last four weeks with the four before', () => {
    expect(trendDirection([1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 3, 3])).toBe('rising');
    expect(trendDirection([1, 1, 1, 1, 3, 3, 3, 3, 1, 0, 0, 1])).toBe('falling');
    expect(trendDirection([2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2])).toBe('steady');
  });

  test('an interest only seen lately is new; one not seen lately is quiet', () => {
    expect(trendDirection([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0])).toBe('new');
    expect(trendDirection([3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])).toBe('quiet');
    expect(trendDirection([])).toBe('quiet');
  });

  test('one event either side is too little to call a direction', () => {
    expect(trendDirection([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])).toBe('steady');
  });
});

test('percent rounds, and never calls a small share nothing', () => {
  expect(percent(0.424)).toBe('42%');
  expect(percent(1)).toBe('100%');
  expect(percent(0.001)).toBe('<1%');
  expect(percent(0)).toBe('0%');
});

test('a sparkline spans the box, its peak at the top and zero at the bottom', () => {
  expect(sparklinePoints([0, 2, 1], 60, 16)).toBe('0,16 30,0 60,8');
  expect(sparklinePoints([0, 0], 10, 4)).toBe('0,4 10,4');
  expect(sparklinePoints([], 10, 4)).toBe('');
});

test('an interest is named by its first three label terms', () => {
  expect(interestName({ label: ['bike', 'touring', 'brake', 'pads'] })).toBe('bike, touring, brake');
  expect(interestName({ label: [] })).toBe('unnamed topic');
});

describe('reading traits', () => {
  test('interests of the stored shape, heaviest first; anything else is ignored', () => {
    const a = { id: 'a', label: ['x'], weight: 0.2, count: 3, lastSeen: 1, trend: [1], eventIds: [] };
    const b = { id: 'b', label: ['y'], weight: 0.8, count: 5, lastSeen: 1, trend: [1], eventIds: [] };
    expect(storedInterests({ interests: [a, b, 'junk', { id: 'c' }] }).map((i) => i.id)).toEqual(['b', 'a']);
    expect(storedInterests({ interests: 'nope' })).toEqual([]);
    expect(storedInterests({})).toEqual([]);
  });

  test('style only when it has the stored shape', () => {
    expect(storedStyle({ style: style() })?.messages).toBe(40);
    expect(storedStyle({ style: [] })).toBeUndefined();
    expect(storedStyle({ style: { messages: 'x' } })).toBeUndefined();
  });
});

describe('describeStyle', () => {
  test('says each trait in words', () => {
    expect(describeStyle(style(), (code) => (code === 'pt' ? 'Portuguese' : code))).toEqual([
      'You write short messages: about 6 words each.',
      'Your tone is casual.',
      '25% of your messages have emoji, most often 🚲 🙂.',
      '50% of your messages ask something.',
      'You mostly write in Portuguese.',
    ]);
  });

  test('marks a trait read from little as a first guess, and leaves out an unknown language', () => {
    const lines = describeStyle(style({ formality: 0.8, emojiRate: 0, language: 'und', confidence: { length: 0.2, formality: 0.2, emoji: 0.9, questions: 0.9, language: 0 } }));
    expect(lines).toContain('Your tone is formal (a first guess).');
    expect(lines).toContain('You use no emoji.');
    expect(lines[0]).toMatch(/\(a first guess\)\.$/);
    expect(lines.some((line) => line.includes('write in'))).toBe(false);
  });

  test('nothing without messages', () => {
    expect(describeStyle(undefined)).toEqual([]);
    expect(describeStyle(style({ messages: 0 }))).toEqual([]);
  });
});

test('cold start: few events, or the user still under half of the match', () => {
  expect(isColdStart(3, 1)).toBe(true);
  expect(isColdStart(50, 0.3)).toBe(true);
  expect(isColdStart(50, 0.9)).toBe(false);
  expect(isColdStart(50, undefined)).toBe(false);
});
