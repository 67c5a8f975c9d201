// A ChatBackend as its worker exposes it over comlink. An AbortSignal and a callback cannot cross the boundary as
// they are: each call carries a job id the caller can cancel (CancellableJobs), and callbacks arrive as proxies.
import { CancellableJobs } from '../platform/cancellable-jobs';
import { installNamedErrorTransfer } from '../platform/named-error-transfer';
import type { ChatBackend, ChatMessage, ChatResult, GenerateOptions, ModelLoadProgress } from './chat-backend';
import type { ModelSpec } from './model-spec';
import { holdLifeline } from '../platform/worker-lifeline';

/** GenerateOptions without what cannot be cloned (the signal and the token callback travel separately). */
export type GenerateRequest = Omit<GenerateOptions, 'signal' | 'onToken'>;

export class ChatBackendHost {
  readonly #jobs = new CancellableJobs();

  constructor(private readonly backend: ChatBackend) {
    installNamedErrorTransfer();
  }

  kind(): ChatBackend['kind'] {
    return this.backend.kind;
  }

  model(): string | undefined {
    return this.backend.model;
  }

  load(jobId: string, spec: ModelSpec, onProgress?: (progress: ModelLoadProgress) => void): Promise<void> {
    return this.#jobs.run(jobId, (signal) => this.backend.load(spec, { signal, ...(onProgress ? { onProgress } : {}) }));
  }

  chat(jobId: string, messages: ChatMessage[], request: GenerateRequest, onToken?: (piece: string) => void): Promise<ChatResult> {
    return this.#jobs.run(jobId, (signal) => this.backend.chat(messages, { ...request, signal, ...(onToken ? { onToken } : {}) }));
  }

  complete(jobId: string, prompt: string, request: GenerateRequest, onToken?: (piece: string) => void): Promise<ChatResult> {
    return this.#jobs.run(jobId, (signal) => this.backend.complete(prompt, { ...request, signal, ...(onToken ? { onToken } : {}) }));
  }

  countTokens(text: string): Promise<number> {
    return this.backend.countTokens(text);
  }

  countChatTokens(messages: ChatMessage[]): Promise<number> {
    return this.backend.countChatTokens(messages);
  }

  unload(): Promise<void> {
    return this.backend.unload();
  }

  /** Holds the named lock while this worker lives, so its owner learns when it is gone (worker-lifeline.ts). */
  lifeline(name: string): Promise<void> {
    return holdLifeline(name);
  }

  cancel(jobId: string): void {
    this.#jobs.cancel(jobId);
  }

}
