// Runs in Chromium (see bench/retrieval.ts): the bundled embedder in its module worker, started as the app starts
// it (WorkerEmbedder.start), embedding the sentences the driver hands to window.runEmbedBench() in calls of 32–64.
// Each call crosses the worker boundary (comlink, the vectors transferred back), as the embedding indexer's do.
import { BUNDLED_EMBEDDER } from '../../src/embed/embedder-config';
import { WorkerEmbedder } from '../../src/embed/worker-embedder';
import { largestBatch, measureEmbedThroughput, type EmbedEnvironment, type EmbedThroughputOptions } from './embed-throughput';

export interface EmbedPageResult extends EmbedEnvironment {
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
}

async function runEmbedBench(sentences: string[], options: EmbedThroughputOptions): Promise<EmbedPageResult> {
  const loadStart = performance.now();
  const embedder = await WorkerEmbedder.start(() => new Worker(new URL('../../workers/embedder.worker.ts', import.meta.url), { type: 'module' }), { ...BUNDLED_EMBEDDER, batchSize: largestBatch(options) });
  const loadMs = performance.now() - loadStart;
  try {
    const results = await measureEmbedThroughput(embedder, sentences, options);
    return {
      where: 'Chromium module worker (onnxruntime-web wasm)',
      model: embedder.model,
      dim: embedder.dim,
      loadMs,
      results,
      crossOriginIsolated,
      hardwareConcurrency: navigator.hardwareConcurrency,
    };
  } finally {
    embedder.terminate();
  }
}

(window as unknown as { runEmbedBench: typeof runEmbedBench }).runEmbedBench = runEmbedBench;
