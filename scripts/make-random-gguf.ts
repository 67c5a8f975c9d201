// Writes a llama-architecture GGUF v3 with seeded random weights (~74M parameters, Q8_0 or F16, a synthetic 32k
// SentencePiece-style vocabulary) for `npm run bench:llm`: big enough that llama.cpp's matrix kernels, not the
// per-call overhead, decide tokens/s. Loads in native llama.cpp and in wllama. Output is git-ignored (.cache/) and
// reproducible: same options, same bytes. A JSON sidecar records the config, so a changed config rebuilds the file.
//
//   npx tsx scripts/make-random-gguf.ts [--type q8_0|f16] [--seed N] [--out path]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG, writeRandomLlama, type RandomLlamaConfig, type RandomLlamaSummary } from './gguf/random-llama.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const RANDOM_GGUF_DIR = join(root, '.cache', 'llm-bench');

export function defaultRandomGgufPath(type: RandomLlamaConfig['type'] = DEFAULT_CONFIG.type): string {
  return join(RANDOM_GGUF_DIR, `random-llama-${type.toLowerCase()}.gguf`);
}

/** The model at `path` for `config`, written first when missing or made from another config. */
export function ensureRandomGguf(path: string, config: RandomLlamaConfig = DEFAULT_CONFIG): RandomLlamaSummary & { path: string; reused: boolean } {
  const sidecar = `${path}.json`;
  if (existsSync(path) && existsSync(sidecar)) {
    const previous = JSON.parse(readFileSync(sidecar, 'utf8')) as RandomLlamaSummary;
    if (JSON.stringify(previous.config) === JSON.stringify(config)) return { ...previous, path, reused: true };
  }
  mkdirSync(dirname(path), { recursive: true });
  const summary = writeRandomLlama(path, config);
  writeFileSync(sidecar, `${JSON.stringify(summary, null, 2)}\n`);
  return { ...summary, path, reused: false };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({
    options: {
      type: { type: 'string', default: DEFAULT_CONFIG.type.toLowerCase() },
      seed: { type: 'string', default: String(DEFAULT_CONFIG.seed) },
      out: { type: 'string' },
    },
  });
  const type = values.type.toUpperCase();
  if (type !== 'Q8_0' && type !== 'F16') throw new Error(`--type must be q8_0 or f16, not ${values.type}`);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be a whole number ≥ 0, not ${values.seed}`);
  const path = resolve(values.out ?? defaultRandomGgufPath(type));
  const started = performance.now();
  const made = ensureRandomGguf(path, { ...DEFAULT_CONFIG, type, seed });
  const { config, parameters, bytes } = made;
  console.log(
    `${made.reused ? 'up to date' : 'wrote'} ${path}: ${(parameters / 1e6).toFixed(1)}M parameters, ${config.type}, ` +
      `${(bytes / 2 ** 20).toFixed(1)} MiB, vocab ${config.vocab}, ${config.layers} layers × ${config.embedding} ` +
      `(ff ${config.feedForward}, ${config.heads} heads) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
