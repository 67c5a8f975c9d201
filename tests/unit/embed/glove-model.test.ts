// The committed offline embedder (public/models/persona-glove-100d): its files are the ones the build script wrote,
// and transformers.js loads it in Node from the folder alone and gives sensible sentence vectors.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { env, pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MODELS = fileURLToPath(new URL('../../../public/models/', import.meta.url));
const MODEL = 'persona-glove-100d';
const DIR = join(MODELS, MODEL);

/** Sentences whose vectors are kept in glove-vectors.golden.json. */
const GOLDEN_SENTENCES = ['I love cooking pasta', 'The stock market fell today.', 'xqzzv', 'Café au lait, s’il vous plaît!'];

interface Manifest {
  files: { path: string; bytes: number; sha256: string }[];
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(DIR, join(entry.parentPath, entry.name)))
    .sort();
}

describe('persona-glove-100d files', () => {
  it('match the manifest the build script wrote, file for file', () => {
    const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as Manifest;
    const listed = manifest.files.map((f) => f.path).sort();
    expect(listFiles(DIR).filter((p) => p !== 'manifest.json')).toEqual(listed);
    for (const file of manifest.files) {
      const data = readFileSync(join(DIR, file.path));
      expect({ path: file.path, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') }).toEqual(file);
    }
  });
});

describe('persona-glove-100d in transformers.js (Node, no network)', () => {
  let embed: FeatureExtractionPipeline;
  // transformers.js sends every download through env.fetch (it binds the global fetch at import, so spying on
  // globalThis.fetch would see nothing): record and refuse whatever reaches it.
  const requests: string[] = [];
  const originalFetch = env.fetch;

  beforeAll(async () => {
    env.allowRemoteModels = false;
    env.localModelPath = MODELS;
    env.fetch = (input: string | URL) => {
      requests.push(String(input));
      return Promise.reject(new Error(`network request in an offline test: ${String(input)}`));
    };
    embed = await pipeline('feature-extraction', MODEL, { dtype: 'q8' });
  });

  afterAll(async () => {
    env.fetch = originalFetch;
    await embed.dispose();
  });

  async function vectors(texts: string[]): Promise<number[][]> {
    const output = await embed(texts, { pooling: 'mean', normalize: true });
    expect(output.dims).toEqual([texts.length, 100]);
    return output.tolist() as number[][];
  }

  const dot = (a: number[], b: number[]): number => a.reduce((sum, x, i) => sum + x * (b[i] ?? Number.NaN), 0);

  it('gives 100-d unit vectors', async () => {
    for (const v of await vectors(['I love cooking pasta', 'The stock market fell today.'])) {
      expect(v).toHaveLength(100);
      expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    }
  });

  it('scores related sentences above unrelated ones', async () => {
    const [pasta, spaghetti, stocks, shares] = await vectors([
      'I love cooking pasta',
      'my favourite food is Italian spaghetti',
      'the stock market fell today',
      'Shares dropped sharply on Wall Street',
    ]);
    if (!pasta || !spaghetti || !stocks || !shares) throw new Error('missing vectors');
    expect(dot(pasta, spaghetti)).toBeGreaterThan(dot(pasta, stocks) + 0.2);
    expect(dot(pasta, spaghetti)).toBeGreaterThan(dot(spaghetti, stocks) + 0.2);
    expect(dot(stocks, shares)).toBeGreaterThan(dot(stocks, pasta) + 0.2);
  });

  it('gives unknown-word-only and empty texts a finite unit vector, not NaN', async () => {
    for (const v of await vectors(['xqzzv blorfle snargwit', '', '?!'])) {
      expect(v.every(Number.isFinite)).toBe(true);
      expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    }
  });

  it('ignores unknown words and letter case', async () => {
    const [plain, noisy] = await vectors(['I love cooking pasta', 'I LOVE xqzzv cooking, pasta!']);
    if (!plain || !noisy) throw new Error('missing vectors');
    expect(dot(plain, noisy)).toBeCloseTo(1, 4);
  });

  it('gives a text the same vector alone as padded in a batch', async () => {
    const [alone] = await vectors(['pasta']);
    const [batched] = await vectors(['pasta', 'a much longer sentence about the weather in spring']);
    if (!alone || !batched) throw new Error('missing vectors');
    alone.forEach((x, i) => {
      expect(batched[i]).toBeCloseTo(x, 6);
    });
  });

  it('gives the golden vectors the browser test also checks against', async () => {
    // Rounded to 1e-6 so the file is stable; `npx vitest run -u` rewrites it after a deliberate model change.
    const rounded = (await vectors([...GOLDEN_SENTENCES])).map((v) => v.map((x) => Math.round(x * 1e6) / 1e6));
    const lines = GOLDEN_SENTENCES.map((s, i) => `    ${JSON.stringify({ sentence: s, vector: rounded[i] })}`);
    await expect(`{\n  "vectors": [\n${lines.join(',\n')}\n  ]\n}\n`).toMatchFileSnapshot('./glove-vectors.golden.json');
  });

  it('made no network request', () => {
    expect(requests).toEqual([]);
  });
});
