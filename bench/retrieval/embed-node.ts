// The Node side of the embedding throughput comparison: the same bundled model through transformers.js called
// directly in this process (Node's default runtime: onnxruntime-node, native CPU), the same sentences and batches
// as the Chromium worker. Also the sentences themselves: LoCoMo's conversation turns (real chat messages), read
// from ../shared/datasets/locomo, or the benchmark's synthetic corpus when that folder is absent.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLED_EMBEDDER } from '../../src/embed/embedder-config';
import { TransformersEmbedder } from '../../src/embed/transformers-embedder';
import { textCorpus } from './corpus';
import { largestBatch, measureEmbedThroughput, type EmbedEnvironment, type EmbedThroughputOptions } from './embed-throughput';

export const LOCOMO_DIR = fileURLToPath(new URL('../../../shared/datasets/locomo', import.meta.url));

interface Turn {
  speaker: string;
  text: string;
}

/** Up to `count` sentences: LoCoMo turns as "Speaker: text" in file and session order (as bench/locomo.ts reads them). */
export function embedSentences(count: number, locomoDir = LOCOMO_DIR): { sentences: string[]; source: string } {
  if (existsSync(locomoDir)) {
    const sentences: string[] = [];
    for (const file of readdirSync(locomoDir).filter((f) => f.endsWith('.json')).sort()) {
      const conversation = JSON.parse(readFileSync(join(locomoDir, file), 'utf8')) as Record<string, unknown>;
      const sessions = Object.keys(conversation)
        .filter((key) => /^session_\d+$/.test(key))
        .sort((a, b) => Number(a.slice(8)) - Number(b.slice(8)));
      for (const key of sessions) {
        const turns = conversation[key];
        if (Array.isArray(turns)) for (const turn of turns as Turn[]) sentences.push(`${turn.speaker}: ${turn.text}`);
      }
    }
    if (sentences.length >= count) return { sentences: sentences.slice(0, count), source: `LoCoMo turns (${locomoDir})` };
  }
  return { sentences: textCorpus(count, 0).texts, source: 'synthetic corpus of bench/retrieval/corpus.ts (LoCoMo not found)' };
}

export async function embedThroughputNode(sentences: readonly string[], options: EmbedThroughputOptions): Promise<EmbedEnvironment> {
  const loadStart = performance.now();
  const embedder = await TransformersEmbedder.load({
    ...BUNDLED_EMBEDDER,
    localModelPath: fileURLToPath(new URL('../../public/models/', import.meta.url)),
    batchSize: largestBatch(options),
  });
  const loadMs = performance.now() - loadStart;
  try {
    const results = await measureEmbedThroughput(embedder, sentences, options);
    return { where: `Node ${process.version} (transformers.js, onnxruntime-node CPU)`, model: embedder.model, dim: embedder.dim, loadMs, results };
  } finally {
    await embedder.dispose();
  }
}
