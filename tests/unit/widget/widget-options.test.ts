// The widget's attributes and rank options, checked at the boundary: bad values are refused by name.
import { describe, expect, test } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors';
import { modelFromAttributes, rankOptions, widgetMode } from '../../../src/widget/widget-options';

const PAGE = 'https://recipes.example.org/dinner/index.html';

describe('widgetMode', () => {
  test('defaults to same-origin and accepts the two modes', () => {
    expect(widgetMode(null)).toBe('same-origin');
    expect(widgetMode('isolated')).toBe('isolated');
  });

  test('refuses anything else by name', () => {
    expect(() => widgetMode('iframe')).toThrow(InvalidInputError);
    expect(() => widgetMode('iframe')).toThrow(/mode must be one of same-origin, isolated \(got "iframe"\)/);
  });
});

describe('modelFromAttributes', () => {
  test('no URL, no model: ask then says none is loaded', () => {
    expect(modelFromAttributes('tiny', undefined, undefined, PAGE)).toBeUndefined();
  });

  test('a URL relative to the page, named after its file', () => {
    expect(modelFromAttributes(undefined, '../models/stories260K.gguf', undefined, PAGE)).toEqual({
      id: 'stories260K',
      gguf: { url: 'https://recipes.example.org/models/stories260K.gguf' },
    });
  });

  test('a URL relative to model-host, with the id given', () => {
    expect(modelFromAttributes('tiny', 'a/b.gguf', 'https://models.example.org/llm/', PAGE)).toEqual({
      id: 'tiny',
      gguf: { url: 'https://models.example.org/llm/a/b.gguf' },
    });
  });

  test('refuses what is not an http(s) URL', () => {
    expect(() => modelFromAttributes(undefined, 'javascript:alert(1)', undefined, PAGE)).toThrow(/model-url must be an http\(s\) URL/);
    expect(() => modelFromAttributes(undefined, 'x.gguf', 'http://[bad', PAGE)).toThrow(InvalidInputError);
  });
});

describe('rankOptions', () => {
  test('diversity becomes MMR, limit passes through, zero diversity is no MMR', () => {
    expect(rankOptions({})).toEqual({});
    expect(rankOptions({ limit: 3, diversity: 0 })).toEqual({ limit: 3 });
    expect(rankOptions({ diversity: 0.3 }).mmrLambda).toBeCloseTo(0.7);
    expect(rankOptions({ diversity: 1 }).mmrLambda).toBe(0.05);
  });

  test('refuses a diversity outside 0..1', () => {
    expect(() => rankOptions({ diversity: 2 })).toThrow(/diversity must be between 0 and 1/);
    expect(() => rankOptions({ diversity: Number.NaN })).toThrow(InvalidInputError);
  });
});
