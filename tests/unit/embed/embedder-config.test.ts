// Where the bundled embedder model is served from, when a host app serves it elsewhere than /models/.
import { describe, expect, test } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors';
import { BUNDLED_EMBEDDER, bundledEmbedderAt, embedderModelId } from '../../../src/embed/embedder-config';

describe('bundledEmbedderAt', () => {
  test('resolves a folder against the page, so the worker loads the folder the page meant', () => {
    expect(bundledEmbedderAt('static/models', 'https://shop.example/app/index.html').localModelPath).toBe('/app/static/models/');
    expect(bundledEmbedderAt('/models/', 'https://shop.example/app/').localModelPath).toBe('/models/');
    expect(bundledEmbedderAt('https://shop.example/assets/persona/', 'https://shop.example/app/').localModelPath).toBe('/assets/persona/');
  });

  test('keeps the bundled model and its id: only the folder changes', () => {
    const config = bundledEmbedderAt('/assets/persona', 'https://shop.example/');
    expect(config).toEqual({ ...BUNDLED_EMBEDDER, localModelPath: '/assets/persona/' });
    expect(embedderModelId(config)).toBe(embedderModelId(BUNDLED_EMBEDDER));
  });

  test('refuses a folder on another origin or of another scheme, naming the option', () => {
    for (const bad of ['https://cdn.example/persona/', '//cdn.example/persona/', 'data:text/plain,x', 'javascript:void(0)']) {
      expect(() => bundledEmbedderAt(bad, 'https://shop.example/')).toThrow(InvalidInputError);
    }
    expect(() => bundledEmbedderAt('https://cdn.example/persona/', 'https://shop.example/')).toThrow(/embedderModels must be on the page's own origin, https:\/\/shop.example/);
    expect(() => bundledEmbedderAt('http://[', 'https://shop.example/')).toThrow(/embedderModels must be a path/);
  });

  test('takes only an absolute path where there is no page to resolve against (inside the engine worker)', () => {
    expect(bundledEmbedderAt('/assets/persona').localModelPath).toBe('/assets/persona/');
    for (const bad of ['models/', '//cdn.example/persona/', 'https://shop.example/models/', '/models/?v=1']) {
      expect(() => bundledEmbedderAt(bad)).toThrow(/embedderModels must be an absolute path/);
    }
  });
});
