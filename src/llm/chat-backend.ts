// The chat port: OpenAI-style messages in, a stream of tokens out. Implementations: llama.cpp on WASM (wllama) in a
// worker, web-llm on WebGPU in a worker, and Chrome's built-in Prompt API where the browser offers one. The engine
// sees only this interface, so the backend can change under it (capability, user override, another tab's model).

import type { BackendKind } from '../core/backend-choice';
import type { ModelSpec } from './model-spec';

export type { BackendKind };

export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

/** A JSON schema the answer must satisfy (constrained decoding where the backend has it: llama.cpp grammars, web-llm). */
export type JsonSchema = Readonly<Record<string, unknown>>;

export interface GenerateOptions {
  /** Most tokens to generate. Default 256. */
  maxTokens?: number;
  /** 0 (the default) is greedy decoding: the same prompt gives the same answer. */
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
  /** Generation stops before any of these strings. */
  stop?: readonly string[];
  /** Constrain the answer to JSON matching this schema. */
  json?: JsonSchema;
  /** Aborting stops generation: the call resolves with what was generated so far and `finishReason: 'abort'`. */
  signal?: AbortSignal;
  /** Each piece of text as it is generated, in order; their concatenation is the result's `text`. */
  onToken?: (piece: string) => void;
}

export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface ChatResult {
  text: string;
  /** 'stop': the model ended (or a stop string); 'length': maxTokens was reached; 'abort': the signal stopped it. */
  finishReason: 'stop' | 'length' | 'abort';
  usage: ChatUsage;
}

export interface ModelLoadProgress {
  phase: 'download' | 'load';
  /** 0…1 where known. */
  fraction: number;
  loadedBytes?: number;
  totalBytes?: number;
  bytesPerSecond?: number;
  etaSeconds?: number;
  /** The backend's own words for the current step, for a status line. */
  text?: string;
}

export interface LoadOptions {
  onProgress?: (progress: ModelLoadProgress) => void;
  signal?: AbortSignal;
}

export interface ChatBackend {
  readonly kind: BackendKind;
  /** The loaded model's id, or undefined before load() and after unload(). */
  readonly model: string | undefined;
  /**
   * Loads `model` (downloading what is not cached), replacing any model loaded before. Rejects with
   * ModelUnsupportedError when the spec has no build for this backend, ModelDownloadError or ModelLoadError.
   */
  load(model: ModelSpec, options?: LoadOptions): Promise<void>;
  /** Rejects with ModelNotLoadedError before load(). */
  chat(messages: readonly ChatMessage[], options?: GenerateOptions): Promise<ChatResult>;
  /** Raw completion of `prompt` with no chat template (the model's BOS prepended where it uses one). */
  complete(prompt: string, options?: GenerateOptions): Promise<ChatResult>;
  /** Tokens `text` takes in the loaded model's vocabulary, for prompt budgets. */
  countTokens(text: string): Promise<number>;
  /** Tokens the conversation takes once the model's chat template is applied: what the model reads. */
  countChatTokens(messages: readonly ChatMessage[]): Promise<number>;
  /** Frees the model and its memory; the backend can load again after. */
  unload(): Promise<void>;
}

export const DEFAULT_MAX_TOKENS = 256;

/** What a call whose signal was aborted before it started returns: nothing generated. */
export function notStarted(): ChatResult {
  return { text: '', finishReason: 'abort', usage: { promptTokens: 0, completionTokens: 0 } };
}
