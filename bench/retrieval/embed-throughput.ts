// Embedding throughput, shared by the Chromium page (bench/retrieval/embed-bench.ts: the bundled embedder in its
// worker) and the Node driver (bench/retrieval/embed-node.ts: transformers.js called directly): the same sentences,
// the same batch sizes, the same warm-up and passes, so the two numbers differ only by where the model runs.
import type { Embedder } from '../../src/embed/embedder';

export interface EmbedThroughputOptions {
  /** Texts per embed() call; each call is one inference of that many texts (the model's batchSize is the largest). */
  batchSizes: number[];
  /** Sentences embedded untimed first, per batch size (the first inferences compile and allocate). */
  warmup: number;
  /** Timed passes over all sentences, per batch size; the median pass is reported. */
  passes: number;
}

export interface EmbedThroughput {
  batch: number;
  sentences: number;
  /** Sentences per second of each timed pass, in order. */
  passesPerS: number[];
  /** Sentences per second of the median pass. */
  perS: number;
  /** Of the fastest pass (the least disturbed on a shared machine). */
  bestPerS: number;
  /** Milliseconds per embed() call (one batch), median over the calls of all passes. */
  callP50Ms: number;
}

export interface EmbedEnvironment {
  where: string;
  model: string;
  dim: number;
  loadMs: number;
  results: EmbedThroughput[];
}

/** The largest batch size asked for: the model is loaded with it, so no call of up to that many texts is split. */
export function largestBatch(options: EmbedThroughputOptions): number {
  return Math.max(...options.batchSizes);
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Embeds `sentences` in calls of `batch` texts: warm-up, then `passes` timed passes, for each batch size. */
export async function measureEmbedThroughput(embedder: Embedder, sentences: readonly string[], options: EmbedThroughputOptions): Promise<EmbedThroughput[]> {
  const results: EmbedThroughput[] = [];
  for (const batch of options.batchSizes) {
    for (let start = 0; start < Math.min(options.warmup, sentences.length); start += batch) {
      await embedder.embed(sentences.slice(start, Math.min(options.warmup, start + batch)));
    }
    const passesPerS: number[] = [];
    const calls: number[] = [];
    for (let pass = 0; pass < options.passes; pass++) {
      const passStart = performance.now();
      for (let start = 0; start < sentences.length; start += batch) {
        const callStart = performance.now();
        const vectors = await embedder.embed(sentences.slice(start, start + batch));
        calls.push(performance.now() - callStart);
        if (vectors.length !== Math.min(batch, sentences.length - start) * embedder.dim) throw new Error(`embed() returned ${vectors.length} floats for a batch of ${batch}`);
      }
      passesPerS.push(sentences.length / ((performance.now() - passStart) / 1_000));
    }
    results.push({ batch, sentences: sentences.length, passesPerS, perS: median(passesPerS), bestPerS: Math.max(...passesPerS), callP50Ms: median(calls) });
  }
  return results;
}

/** Two measurements of the same environment as one: all their passes, medians recomputed (call p50: their mean). */
export function mergeThroughput(a: EmbedEnvironment, b: EmbedEnvironment): EmbedEnvironment {
  const results = a.results.map((x) => {
    const y = b.results.find((r) => r.batch === x.batch);
    if (!y) return x;
    const passesPerS = [...x.passesPerS, ...y.passesPerS];
    return { ...x, passesPerS, perS: median(passesPerS), bestPerS: Math.max(...passesPerS), callP50Ms: (x.callP50Ms + y.callP50Ms) / 2 };
  });
  return { ...a, loadMs: Math.min(a.loadMs, b.loadMs), results };
}
