// llama.cpp on WASM through wllama: the backend for browsers without a usable WebGPU (Safari, Firefox, software
// adapters, this project's test machines). It runs inside Persona's LLM worker; wllama starts its own worker below
// that for the compute. Nothing loads from a third party: the wasm comes from the app's origin and the CDN "compat"
// build is switched off (browsers without JSPI/wasm64 get the self-hosted compat build when one is configured).
import { Wllama, WllamaAbortError, type WllamaCompat } from '@wllama/wllama';
import { llamaThreads } from '../core/backend-choice';
import { GenerationError, ModelLoadError, ModelNotLoadedError, ModelUnsupportedError } from '../core/errors';
import { DEFAULT_MAX_TOKENS, type ChatBackend, type ChatMessage, type ChatResult, type GenerateOptions, type LoadOptions } from './chat-backend';
import { AnswerStream, type OpenAiStyleChunk } from './answer-stream';
import { ModelFileCache } from './model-file-cache';
import { DEFAULT_CONTEXT_SIZE, type ModelSpec } from './model-spec';

export interface WllamaAssets {
  /** URL of wllama.wasm as the app serves it. */
  wasm: string;
  /** Self-hosted @wllama/wllama-compat files for browsers without JSPI or wasm64; without them those browsers fail. */
  compat?: WllamaCompat;
}

export interface WllamaBackendOptions {
  /** CPU threads; more than 1 needs a cross-origin isolated page. Default: llamaThreads() of this device. */
  threads?: number;
  /** Layers to offload to WebGPU (llama.cpp's own WebGPU path). Default 0: web-llm is Persona's WebGPU backend. */
  gpuLayers?: number;
  /** Where GGUF files are kept (default: the OPFS folder 'persona-models'). */
  files?: ModelFileCache;
}

const quietLogger = { debug: () => undefined, log: () => undefined, warn: console.warn, error: console.error };

export function defaultThreads(): number {
  return llamaThreads(navigator.hardwareConcurrency || 1, globalThis.crossOriginIsolated);
}

export class WllamaBackend implements ChatBackend {
  readonly kind = 'wllama' as const;
  #wllama: Wllama | undefined;
  #model: string | undefined;
  #contextSize = DEFAULT_CONTEXT_SIZE;

  constructor(
    private readonly assets: WllamaAssets,
    private readonly options: WllamaBackendOptions = {},
  ) {}

  get model(): string | undefined {
    return this.#model;
  }

  /** Threads the loaded model runs on (1 unless the page is cross-origin isolated). */
  get threads(): number {
    return this.#wllama?.getNumThreads() ?? 0;
  }

  async load(spec: ModelSpec, { onProgress, signal }: LoadOptions = {}): Promise<void> {
    const source = spec.gguf;
    if (!source) throw new ModelUnsupportedError(spec.id, this.kind);
    await this.unload();
    const params = {
      n_ctx: spec.contextSize ?? DEFAULT_CONTEXT_SIZE,
      n_threads: this.options.threads ?? defaultThreads(),
      n_gpu_layers: this.options.gpuLayers ?? 0,
    };
    let file: Blob;
    if ('file' in source) file = source.file;
    else {
      const files = this.options.files ?? (await ModelFileCache.open());
      // Keyed by model id: the cached file stays valid when the configured host changes.
      file = await files.download(source.url, {
        key: `${spec.id}.gguf`,
        ...(signal ? { signal } : {}),
        onProgress: ({ fraction, loadedBytes, totalBytes, bytesPerSecond, etaSeconds }) => {
          onProgress?.({ phase: 'download', fraction, loadedBytes, bytesPerSecond, ...(totalBytes === undefined ? {} : { totalBytes }), ...(etaSeconds === undefined ? {} : { etaSeconds }) });
        },
      });
    }
    onProgress?.({ phase: 'load', fraction: 0 });
    const wllama = new Wllama({ default: this.assets.wasm }, { suppressNativeLog: true, logger: quietLogger });
    wllama.setCompat(this.assets.compat ?? null);
    try {
      await wllama.loadModel([file], params);
    } catch (error) {
      await wllama.exit().catch(() => undefined);
      throw new ModelLoadError(spec.id, error instanceof Error ? error.message : String(error), { cause: error });
    }
    onProgress?.({ phase: 'load', fraction: 1 });
    this.#wllama = wllama;
    this.#model = spec.id;
    this.#contextSize = params.n_ctx;
  }

  chat(messages: readonly ChatMessage[], options: GenerateOptions = {}): Promise<ChatResult> {
    const json = options.json ? { response_format: { type: 'json_schema' as const, json_schema: { name: 'answer', schema: options.json, strict: true } } } : {};
    return this.#generate(options, (wllama, common) =>
      wllama.createChatCompletion({ ...common, ...json, messages: messages.map(({ role, content }) => ({ role, content })) }),
    );
  }

  complete(prompt: string, options: GenerateOptions = {}): Promise<ChatResult> {
    // llama.cpp's completion endpoint takes the schema itself and compiles it to a grammar.
    const json = options.json ? { json_schema: options.json } : {};
    return this.#generate(options, (wllama, common) => wllama.createCompletion({ ...common, ...json, prompt }));
  }

  async countTokens(text: string): Promise<number> {
    const wllama = this.#require();
    // No tokenizer call is exposed: a completion asked for no tokens reports the prompt's length without decoding.
    // llama.cpp refuses a prompt longer than the context, so long texts are counted in pieces (split at spaces; a
    // piece of n_ctx / 4 characters cannot exceed the context even at four tokens a character).
    const pieceChars = Math.max(64, Math.floor(this.#contextSize / 4));
    const bos = wllama.mustAddBosToken() ? 1 : 0;
    let total = 0;
    for (const piece of splitText(text, pieceChars)) {
      const response = await wllama.createCompletion({ prompt: piece, max_tokens: 0, temperature: 0 });
      // The BOS the runtime prepends belongs to the whole prompt, not to this piece of it.
      total += Math.max(0, response.usage.prompt_tokens - bos);
    }
    return total;
  }

  async countChatTokens(messages: readonly ChatMessage[]): Promise<number> {
    const wllama = this.#require();
    const plain = messages.map(({ role, content }) => ({ role, content }));
    const templated = async (list: typeof plain) => (await wllama.createChatCompletion({ messages: list, max_tokens: 0, temperature: 0 })).usage.prompt_tokens;
    const characters = plain.reduce((sum, m) => sum + m.content.length, 0);
    // The template's markers count too: a chat completion asked for no tokens reports the templated prompt's length.
    // A conversation that may not fit the context is counted as its template (empty messages) plus each text.
    if (characters <= this.#contextSize / 4) return templated(plain);
    let total = await templated(plain.map((m) => ({ ...m, content: '' })));
    for (const message of plain) total += await this.countTokens(message.content);
    return total;
  }

  async unload(): Promise<void> {
    const wllama = this.#wllama;
    this.#wllama = undefined;
    this.#model = undefined;
    await wllama?.exit();
  }

  #require(): Wllama {
    if (!this.#wllama) throw new ModelNotLoadedError(this.kind);
    return this.#wllama;
  }

  async #generate(
    options: GenerateOptions,
    run: (wllama: Wllama, common: Record<string, unknown> & { stream: true; onData: (chunk: OpenAiStyleChunk) => void }) => Promise<unknown>,
  ): Promise<ChatResult> {
    const wllama = this.#require();
    const { signal } = options;
    const answer = new AnswerStream(options.onToken);
    const greedy = (options.temperature ?? 0) === 0;
    const common = {
      stream: true as const,
      max_tokens: options.maxTokens ?? DEFAULT_MAX_TOKENS,
      temperature: options.temperature ?? 0,
      ...(greedy ? { top_k: 1 } : options.topK === undefined ? {} : { top_k: options.topK }),
      ...(options.topP === undefined ? {} : { top_p: options.topP }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.stop?.length ? { stop: [...options.stop] } : {}),
      ...(signal ? { abortSignal: signal } : {}),
      onData: (chunk: OpenAiStyleChunk) => {
        answer.add(chunk);
      },
    };
    if (signal?.aborted) return answer.result(true);
    try {
      await run(wllama, common);
    } catch (error) {
      if (!(error instanceof WllamaAbortError || signal?.aborted)) {
        throw new GenerationError(error instanceof Error ? error.message : String(error), { cause: error });
      }
      return answer.result(true);
    }
    return answer.result(false);
  }
}

/** `text` in pieces of at most `chars` characters, cut at spaces where there is one. */
function splitText(text: string, chars: number): string[] {
  if (text.length <= chars) return [text];
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + chars);
    if (end < text.length) {
      const space = text.lastIndexOf(' ', end);
      if (space > start) end = space;
    }
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}
