// The ChatBackend as the engine sees it in the browser: a client of an LLM worker (workers/wllama.worker.ts).
// Aborting a call's signal cancels its job in the worker; named errors arrive as their own classes.
import { proxy, wrap, type Remote } from 'comlink';
import { remoteJob } from '../platform/cancellable-jobs';
import { tokenRelay } from '../platform/token-relay';
import { installNamedErrorTransfer } from '../platform/named-error-transfer';
import { workerCrash } from '../platform/worker-crash';
import { notStarted, type BackendKind, type ChatBackend, type ChatMessage, type ChatResult, type GenerateOptions, type LoadOptions } from './chat-backend';
import type { ChatBackendHost, GenerateRequest } from './chat-backend-host';
import type { ModelSpec } from './model-spec';

function request({ signal: _signal, onToken: _onToken, ...rest }: GenerateOptions): GenerateRequest {
  return rest;
}

export class WorkerChatBackend implements ChatBackend {
  readonly #crashed: Promise<never>;
  #model: string | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly host: Remote<ChatBackendHost>,
    readonly kind: BackendKind,
  ) {
    this.#crashed = workerCrash(worker, `${kind} LLM`);
  }

  /** Connects to a worker the caller created (so the bundler sees the worker's URL). */
  static async connect(worker: Worker): Promise<WorkerChatBackend> {
    installNamedErrorTransfer();
    const host = wrap<ChatBackendHost>(worker);
    const kind = await host.kind();
    const backend = new WorkerChatBackend(worker, host, kind);
    backend.#model = await host.model();
    return backend;
  }

  get model(): string | undefined {
    return this.#model;
  }

  async load(spec: ModelSpec, { onProgress, signal }: LoadOptions = {}): Promise<void> {
    this.#model = undefined;
    await this.#call(signal, (jobId) => this.host.load(jobId, spec, onProgress ? proxy(onProgress) : undefined));
    this.#model = spec.id;
  }

  chat(messages: readonly ChatMessage[], options: GenerateOptions = {}): Promise<ChatResult> {
    // Already aborted: the worker would start before the cancellation reached it.
    if (options.signal?.aborted) return Promise.resolve(notStarted());
    const plain = messages.map(({ role, content }) => ({ role, content }));
    return this.#relayed(options, (jobId, piece) => this.host.chat(jobId, plain, request(options), piece));
  }

  complete(prompt: string, options: GenerateOptions = {}): Promise<ChatResult> {
    if (options.signal?.aborted) return Promise.resolve(notStarted());
    return this.#relayed(options, (jobId, piece) => this.host.complete(jobId, prompt, request(options), piece));
  }

  countTokens(text: string): Promise<number> {
    return Promise.race([this.host.countTokens(text), this.#crashed]);
  }

  countChatTokens(messages: readonly ChatMessage[]): Promise<number> {
    return Promise.race([this.host.countChatTokens(messages.map(({ role, content }) => ({ role, content }))), this.#crashed]);
  }

  async unload(): Promise<void> {
    this.#model = undefined;
    await Promise.race([this.host.unload(), this.#crashed]);
  }

  /** Stops the worker outright (the model's memory goes with it). */
  terminate(): void {
    this.#model = undefined;
    this.worker.terminate();
  }

  /** A generation whose pieces all reach onToken, in order, before it resolves (see token-relay.ts). */
  async #relayed(options: GenerateOptions, run: (jobId: string, piece: ((piece: string) => void) | undefined) => Promise<ChatResult>): Promise<ChatResult> {
    const relay = options.onToken ? tokenRelay(options.onToken) : undefined;
    const result = await this.#call(options.signal, (jobId) => run(jobId, relay ? proxy(relay.piece) : undefined));
    relay?.finish(result.text);
    return result;
  }

  #call<T>(signal: AbortSignal | undefined, run: (jobId: string) => Promise<T>): Promise<T> {
    return remoteJob(signal, (jobId) => this.host.cancel(jobId), (jobId) => Promise.race([run(jobId), this.#crashed]));
  }
}
