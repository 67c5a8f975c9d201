// web-llm on WebGPU: the fast backend on devices with a real GPU. Inference runs in workers/web-llm.worker.ts
// through web-llm's own worker protocol. web-llm reports some failures as plain strings and caches whatever a
// server answered, an HTML error page included: this backend turns every failure into a named error and removes
// what a failed load left in web-llm's cache, so a retry starts clean. A cancelled download keeps its finished
// files (web-llm resumes file by file). web-llm's client is several megabytes: it is imported on first use, so
// pages that never run it (no WebGPU, or wllama chosen) never download it.
import type { AppConfig, WebWorkerMLCEngine } from '@mlc-ai/web-llm';
import { GenerationError, ModelDownloadError, ModelLoadError, ModelNotLoadedError, ModelUnsupportedError, WebGPUUnavailableError } from '../core/errors';
import { AnswerStream, type OpenAiStyleChunk } from './answer-stream';
import { DEFAULT_MAX_TOKENS, notStarted, type ChatBackend, type ChatMessage, type ChatResult, type GenerateOptions, type LoadOptions } from './chat-backend';
import { DEFAULT_CONTEXT_SIZE, type MlcSource, type ModelSpec } from './model-spec';
import { purgeModelCache } from './web-llm-cache';
import { checkModelHost } from './model-hosts';

export interface WebLlmBackendOptions {
  /** Where web-llm keeps downloaded weights. Default 'cache' (the Cache API, web-llm's best-tested store). */
  cacheBackend?: AppConfig['cacheBackend'];
}

/** web-llm rejects with an Error, a string, or an object with a message: one readable sentence out of any. */
export function failureText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return String(error);
}

// How web-llm words a failed fetch: its Cache.add() of a 404, a network error, or an error page it tried to parse.
const DOWNLOAD_FAILURE = /fetch|network|Request failed|404|403|status|Unexpected token|JSON|not valid|NetworkError|Failed to load/i;
const WEBGPU_FAILURE = /WebGPU|GPU adapter|navigator\.gpu|shader-f16|device lost|requestAdapter/i;

export function appConfigFor(mlc: MlcSource, contextSize: number, cacheBackend: AppConfig['cacheBackend']): AppConfig {
  return {
    model_list: [
      {
        model: mlc.modelUrl,
        model_id: mlc.modelId,
        model_lib: mlc.modelLibUrl,
        ...(mlc.vramMiB === undefined ? {} : { vram_required_MB: mlc.vramMiB }),
        ...(mlc.needsF16 ? { required_features: ['shader-f16'] } : {}),
        overrides: { context_window_size: contextSize },
      },
    ],
    ...(cacheBackend ? { cacheBackend } : {}),
  };
}

export class WebLlmBackend implements ChatBackend {
  readonly kind = 'web-llm' as const;
  #engine: WebWorkerMLCEngine | undefined;
  #worker: Worker | undefined;
  #model: string | undefined;
  #appConfig: AppConfig | undefined;

  /** `startWorker` creates workers/web-llm.worker.ts (the caller's `new Worker(new URL(…))`, for the bundler). */
  constructor(
    private readonly startWorker: () => Worker,
    private readonly options: WebLlmBackendOptions = {},
  ) {}

  get model(): string | undefined {
    return this.#model;
  }

  async load(spec: ModelSpec, { onProgress, signal }: LoadOptions = {}): Promise<void> {
    const mlc = spec.mlc;
    if (!mlc) throw new ModelUnsupportedError(spec.id, this.kind);
    checkModelHost(mlc.modelUrl);
    checkModelHost(mlc.modelLibUrl);
    await this.unload();
    signal?.throwIfAborted();
    const appConfig = appConfigFor(mlc, spec.contextSize ?? DEFAULT_CONTEXT_SIZE, this.options.cacheBackend ?? 'cache');
    const worker = this.startWorker();
    const cancel = () => {
      worker.terminate();
    };
    signal?.addEventListener('abort', cancel, { once: true });
    let engine: WebWorkerMLCEngine;
    try {
      // The worker can die without web-llm noticing (it would wait forever): race its load against that.
      const crashed = new Promise<never>((_, reject) => {
        worker.addEventListener('error', (event) => {
          reject(new Error(`the web-llm worker stopped (${event.message})`));
        });
      });
      const cancelledLoad = new Promise<never>((_, reject) => {
        signal?.addEventListener('abort', () => {
          reject(new Error('cancelled'));
        }, { once: true });
      });
      const { CreateWebWorkerMLCEngine } = await import('@mlc-ai/web-llm');
      engine = await Promise.race([
        CreateWebWorkerMLCEngine(worker, mlc.modelId, {
          appConfig,
          initProgressCallback: ({ progress, text }) => {
            onProgress?.({ phase: /fetch|download|loading from cache/i.test(text) && progress < 1 ? 'download' : 'load', fraction: progress, text });
          },
        }),
        crashed,
        cancelledLoad,
      ]);
    } catch (error) {
      worker.terminate();
      if (signal?.aborted) throw new ModelDownloadError(mlc.modelUrl, 'cancelled', { cause: error });
      // Whatever this load cached (an error page saved as a config, half a model) must not poison the next one.
      await purgeModelCache(mlc, appConfig);
      throw namedLoadFailure(spec.id, mlc, error);
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
    this.#engine = engine;
    this.#worker = worker;
    this.#model = spec.id;
    this.#appConfig = appConfig;
  }

  /** Whether web-llm's cache holds `spec`'s weights (no download needed). */
  static async isCached(spec: ModelSpec, cacheBackend: AppConfig['cacheBackend'] = 'cache'): Promise<boolean> {
    if (!spec.mlc) return false;
    const { hasModelInCache } = await import('@mlc-ai/web-llm');
    return hasModelInCache(spec.mlc.modelId, appConfigFor(spec.mlc, spec.contextSize ?? DEFAULT_CONTEXT_SIZE, cacheBackend));
  }

  /** Deletes `spec`'s weights, config and tokenizer from web-llm's cache. */
  static async deleteCached(spec: ModelSpec, cacheBackend: AppConfig['cacheBackend'] = 'cache'): Promise<void> {
    if (!spec.mlc) return;
    await purgeModelCache(spec.mlc, appConfigFor(spec.mlc, spec.contextSize ?? DEFAULT_CONTEXT_SIZE, cacheBackend));
  }

  async chat(messages: readonly ChatMessage[], options: GenerateOptions = {}): Promise<ChatResult> {
    const engine = this.#require();
    return this.#stream(options, async (common) =>
      (await engine.chat.completions.create({
        ...common,
        messages: messages.map(({ role, content }) => ({ role, content })),
        ...(options.json ? { response_format: { type: 'json_object' as const, schema: JSON.stringify(options.json) } } : {}),
      })) as AsyncIterable<OpenAiStyleChunk>,
    );
  }

  async complete(prompt: string, options: GenerateOptions = {}): Promise<ChatResult> {
    const engine = this.#require();
    if (options.json) throw new GenerationError('web-llm constrains JSON in chat only: use chat() with json');
    return this.#stream(options, async (common) => (await engine.completions.create({ ...common, prompt })) as AsyncIterable<OpenAiStyleChunk>);
  }

  async countTokens(text: string): Promise<number> {
    const engine = this.#require();
    // web-llm exposes no tokenizer: a one-token completion reports the prompt's length.
    const response = await engine.completions.create({ prompt: text, max_tokens: 1, temperature: 0, stream: false });
    return response.usage?.prompt_tokens ?? 0;
  }

  async countChatTokens(messages: readonly ChatMessage[]): Promise<number> {
    const engine = this.#require();
    const response = await engine.chat.completions.create({ messages: messages.map(({ role, content }) => ({ role, content })), max_tokens: 1, temperature: 0, stream: false });
    return response.usage?.prompt_tokens ?? 0;
  }

  async unload(): Promise<void> {
    const engine = this.#engine;
    const worker = this.#worker;
    this.#engine = undefined;
    this.#worker = undefined;
    this.#model = undefined;
    this.#appConfig = undefined;
    await engine?.unload().catch(() => undefined);
    worker?.terminate();
  }

  /** The app config of the loaded model (for the model manager's cache calls). */
  get appConfig(): AppConfig | undefined {
    return this.#appConfig;
  }

  #require(): WebWorkerMLCEngine {
    if (!this.#engine) throw new ModelNotLoadedError(this.kind);
    return this.#engine;
  }

  async #stream(options: GenerateOptions, start: (common: Record<string, unknown> & { stream: true }) => Promise<AsyncIterable<OpenAiStyleChunk>>): Promise<ChatResult> {
    const engine = this.#require();
    const { signal, onToken } = options;
    if (signal?.aborted) return notStarted();
    const common = {
      stream: true as const,
      stream_options: { include_usage: true },
      max_tokens: options.maxTokens ?? DEFAULT_MAX_TOKENS,
      temperature: options.temperature ?? 0,
      ...(options.topP === undefined ? {} : { top_p: options.topP }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.stop?.length ? { stop: [...options.stop] } : {}),
    };
    const interrupt = () => {
      engine.interruptGenerate();
    };
    signal?.addEventListener('abort', interrupt, { once: true });
    const answer = new AnswerStream(onToken);
    try {
      for await (const chunk of await start(common)) answer.add(chunk);
    } catch (error) {
      if (!signal?.aborted) throw new GenerationError(failureText(error), { cause: error });
    } finally {
      signal?.removeEventListener('abort', interrupt);
    }
    return answer.result(signal?.aborted ?? false);
  }
}

function namedLoadFailure(model: string, mlc: MlcSource, error: unknown): Error {
  const reason = failureText(error);
  if (WEBGPU_FAILURE.test(reason)) return new WebGPUUnavailableError(reason);
  if (DOWNLOAD_FAILURE.test(reason)) return new ModelDownloadError(mlc.modelUrl, reason, { cause: error });
  return new ModelLoadError(model, reason, { cause: error });
}
