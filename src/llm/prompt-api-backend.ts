// Chrome's built-in model through the Prompt API (LanguageModel): a third backend where the browser offers one. The
// model is the browser's own (downloaded and run by Chrome, on the device); Persona's model choice does not apply,
// so load() only makes sure it is ready, reporting the browser's download progress. Each call builds a session from
// the conversation so far and prompts the last message; sessions are destroyed after use.
import { GenerationError, ModelLoadError, ModelNotLoadedError } from '../core/errors';
import { notStarted, type ChatBackend, type ChatMessage, type ChatResult, type GenerateOptions, type LoadOptions } from './chat-backend';
import type { ModelSpec } from './model-spec';

/** The part of the Prompt API Persona uses (Chrome 138+). */
export interface LanguageModelApi {
  availability(): Promise<string>;
  create(options?: {
    initialPrompts?: { role: 'system' | 'user' | 'assistant'; content: string }[];
    temperature?: number;
    topK?: number;
    signal?: AbortSignal;
    monitor?: (monitor: EventTarget) => void;
  }): Promise<LanguageModelSession>;
  params?(): Promise<{ defaultTopK: number; maxTemperature: number } | null>;
}

export interface LanguageModelSession {
  promptStreaming(input: string, options?: { signal?: AbortSignal; responseConstraint?: unknown }): ReadableStream<string>;
  measureInputUsage?(input: string): Promise<number>;
  destroy(): void;
}

/** The browser's Prompt API, when it has one. */
export function browserLanguageModel(): LanguageModelApi | undefined {
  return (globalThis as { LanguageModel?: LanguageModelApi }).LanguageModel;
}

export const PROMPT_API_MODEL_ID = 'browser-built-in';

export class PromptApiBackend implements ChatBackend {
  readonly kind = 'prompt-api' as const;
  #model: string | undefined;

  constructor(private readonly api: LanguageModelApi | undefined = browserLanguageModel()) {}

  get model(): string | undefined {
    return this.#model;
  }

  async load(spec: ModelSpec, { onProgress, signal }: LoadOptions = {}): Promise<void> {
    const api = this.api;
    if (!api) throw new ModelLoadError(spec.id, "this browser has no built-in model (Chrome's Prompt API)");
    const availability = await api.availability();
    if (availability === 'unavailable') throw new ModelLoadError(spec.id, 'the browser says its built-in model is unavailable on this device');
    // Creating a session starts the browser's download when the model is not there yet.
    const session = await api.create({
      ...(signal ? { signal } : {}),
      monitor: (monitor) => {
        monitor.addEventListener('downloadprogress', (event) => {
          const loaded = (event as Event & { loaded?: number }).loaded ?? 0;
          onProgress?.({ phase: 'download', fraction: loaded, text: "the browser's built-in model" });
        });
      },
    });
    session.destroy();
    onProgress?.({ phase: 'load', fraction: 1 });
    this.#model = PROMPT_API_MODEL_ID;
  }

  async chat(messages: readonly ChatMessage[], options: GenerateOptions = {}): Promise<ChatResult> {
    const last = messages.at(-1);
    if (!last || last.role !== 'user') throw new GenerationError('the last message must be the user\'s');
    const earlier = messages.slice(0, -1).map(({ role, content }) => ({ role, content }));
    return this.#prompt(earlier, last.content, options);
  }

  complete(prompt: string, options: GenerateOptions = {}): Promise<ChatResult> {
    return this.#prompt([], prompt, options);
  }

  async countTokens(text: string): Promise<number> {
    const session = await this.#session([], {});
    try {
      if (!session.measureInputUsage) throw new GenerationError('this browser cannot count tokens of its built-in model');
      return await session.measureInputUsage(text);
    } finally {
      session.destroy();
    }
  }

  /** The Prompt API measures one input at a time: the messages' sum (its own template markers are not counted). */
  async countChatTokens(messages: readonly ChatMessage[]): Promise<number> {
    let total = 0;
    for (const message of messages) total += await this.countTokens(message.content);
    return total;
  }

  unload(): Promise<void> {
    this.#model = undefined;
    return Promise.resolve();
  }

  async #session(initialPrompts: { role: ChatMessage['role']; content: string }[], options: GenerateOptions): Promise<LanguageModelSession> {
    const api = this.api;
    if (!api || !this.#model) throw new ModelNotLoadedError(this.kind);
    // The API takes temperature and topK together or neither; greedy is topK 1.
    const sampling = options.temperature === undefined && options.topK === undefined ? { temperature: 0, topK: 1 } : { temperature: options.temperature ?? 0, topK: options.topK ?? 1 };
    return api.create({ ...(initialPrompts.length ? { initialPrompts } : {}), ...sampling, ...(options.signal ? { signal: options.signal } : {}) });
  }

  async #prompt(initialPrompts: { role: ChatMessage['role']; content: string }[], input: string, options: GenerateOptions): Promise<ChatResult> {
    const { signal, onToken } = options;
    if (signal?.aborted) return notStarted();
    const session = await this.#session(initialPrompts, options);
    const maxChars = (options.maxTokens ?? Infinity) * 4;
    let text = '';
    let pieces = 0;
    let finishReason: ChatResult['finishReason'] = 'stop';
    const stopper = new AbortController();
    const stopAll = AbortSignal.any([stopper.signal, ...(signal ? [signal] : [])]);
    try {
      const promptTokens = (await session.measureInputUsage?.(input)) ?? 0;
      const stream = session.promptStreaming(input, { signal: stopAll, ...(options.json ? { responseConstraint: options.json } : {}) });
      for await (const piece of stream) {
        // A stream reads ahead: what arrives after the abort was not asked for.
        if (signal?.aborted) break;
        text += piece;
        pieces++;
        onToken?.(piece);
        // The API has no token limit of its own: stop at about maxTokens (4 characters a token).
        if (text.length >= maxChars) {
          finishReason = 'length';
          stopper.abort();
          break;
        }
      }
      return { text, finishReason: signal?.aborted ? 'abort' : finishReason, usage: { promptTokens, completionTokens: pieces } };
    } catch (error) {
      if (signal?.aborted) return { text, finishReason: 'abort', usage: { promptTokens: 0, completionTokens: pieces } };
      throw new GenerationError(error instanceof Error ? error.message : String(error), { cause: error });
    } finally {
      session.destroy();
    }
  }
}
