// The Embedder on transformers.js: a feature-extraction pipeline with mean pooling and normalisation, batched,
// cancellable between batches. Runs in a worker in the browser (workers/embedder.worker.ts) and directly in Node.
import { env, pipeline, type FeatureExtractionPipeline, type ProgressInfo } from '@huggingface/transformers';
import { EmbedderLoadError } from '../core/errors';
import type { EmbedProgress, Embedder } from './embedder';
import { embedderModelId, type EmbedderConfig } from './embedder-config';
import { yieldToEventLoop } from './yield';

export interface ModelLoadProgress {
  file: string;
  loaded: number;
  total: number;
}

/** onnxruntime-web's own files, served from the app's origin (its default is a CDN). */
export interface OrtAssets {
  wasm: string;
  mjs: string;
}

export { EmbedderLoadError };

export class TransformersEmbedder implements Embedder {
  private constructor(
    private readonly extract: FeatureExtractionPipeline,
    readonly model: string,
    readonly dim: number,
    private readonly batchSize: number,
  ) {}

  /** `device` 'wasm' in browsers (the worker host passes it); Node's default is the native CPU runtime. */
  static async load(
    config: EmbedderConfig,
    options: { ortAssets?: OrtAssets; device?: 'wasm' | 'webgpu'; onProgress?: (progress: ModelLoadProgress) => void; fetch?: typeof fetch; browserCache?: boolean } = {},
  ): Promise<TransformersEmbedder> {
    // transformers.js configuration is global to the module instance: one embedder per worker.
    env.allowLocalModels = true;
    env.localModelPath = config.localModelPath;
    // How model files are fetched, where the caller knows better than the page's location (see EmbedderHost).
    if (options.fetch) env.fetch = options.fetch;
    if (options.browserCache !== undefined) env.useBrowserCache = options.browserCache;
    env.allowRemoteModels = config.remoteHost !== undefined;
    if (config.remoteHost !== undefined) env.remoteHost = config.remoteHost;
    const wasm = env.backends.onnx.wasm;
    if (options.ortAssets && wasm) {
      wasm.wasmPaths = { wasm: options.ortAssets.wasm, mjs: options.ortAssets.mjs };
      // Otherwise transformers.js fetches onnxruntime's glue script and imports it from a blob: URL, which the
      // app's CSP (script-src 'self') refuses. Served from the app's own origin, the files are cacheable as they are.
      env.useWasmCache = false;
    }
    let extract: FeatureExtractionPipeline;
    try {
      extract = await pipeline('feature-extraction', config.model, {
        dtype: config.dtype,
        ...(options.device ? { device: options.device } : {}),
        progress_callback: (info: ProgressInfo) => {
          if (info.status === 'progress') options.onProgress?.({ file: info.file, loaded: info.loaded, total: info.total });
        },
      });
    } catch (error) {
      throw new EmbedderLoadError(`The embedding model ${config.model} could not be loaded: ${describe(error)}`, { cause: error });
    }
    const probe = await extract(['probe'], { pooling: 'mean', normalize: true });
    const dim = probe.dims[1];
    if (dim === undefined) throw new EmbedderLoadError(`The embedding model ${config.model} returned no vector`);
    return new TransformersEmbedder(extract, embedderModelId(config), dim, config.batchSize ?? 32);
  }

  async embed(texts: readonly string[], options: { signal?: AbortSignal; onProgress?: (progress: EmbedProgress) => void } = {}): Promise<Float32Array> {
    const out = new Float32Array(texts.length * this.dim);
    for (let start = 0; start < texts.length; start += this.batchSize) {
      if (start > 0) await yieldToEventLoop();
      options.signal?.throwIfAborted();
      const batch = texts.slice(start, start + this.batchSize);
      const tensor = await this.extract(batch, { pooling: 'mean', normalize: true });
      const data = tensor.data as Float32Array;
      if (data.length !== batch.length * this.dim) throw new EmbedderLoadError(`The model returned ${data.length} floats for ${batch.length} texts of dimension ${this.dim}.`);
      out.set(data, start * this.dim);
      options.onProgress?.({ done: Math.min(texts.length, start + batch.length), total: texts.length });
    }
    options.signal?.throwIfAborted();
    return out;
  }

  async dispose(): Promise<void> {
    await this.extract.dispose();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
