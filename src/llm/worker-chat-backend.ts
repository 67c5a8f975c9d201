// The ChatBackend as the engine sees it in the browser: a client of an LLM worker (workers/wllama.worker.ts).
// Aborting a call's signal cancels its job in the worker; named errors arrive as their own classes. A worker that
// dies mid-request (llama.cpp out of memory, the browser killing it) fails that request with WorkerCrashedError;
// the next request starts a new worker and loads the same model again, from the device's cache.
import { proxy, type Remote } from 'comlink';
import { remoteJob } from '../platform/cancellable-jobs';
import { SupervisedWorker } from '../platform/supervised-worker';
import { tokenRelay } from '../platform/token-relay';
import { notStarted, type BackendKind, type ChatBackend, type ChatMessage, type ChatResult, type GenerateOptions, type LoadOptions } from './chat-backend';
import type { ChatBackendHost, GenerateRequest } from './chat-backend-host';
import type { ModelSpec } from './model-spec';

function request({ signal: _signal, onToken: _onToken, ...rest }: GenerateOptions): GenerateRequest {
  return rest;
}

export class WorkerChatBackend implements ChatBackend {
  readonly #worker: SupervisedWorker<ChatBackendHost>;
  #model: string | undefined;
  /** The model to load again in a worker started after a crash. */
  #spec: ModelSpec | undefined;

  /**
   * A backend whose worker starts on first use. `spawn` creates it (the caller's `new Worker(new URL(…))`, so the
   * bundler sees its URL) and is called again whenever a worker died.
   */
  constructor(
    spawn: () => Worker,
    readonly kind: BackendKind,
  ) {
    this.#worker = new SupervisedWorker<ChatBackendHost>(spawn, `${kind} LLM`, (host, restart) => this.#reload(host, restart));
  }

  /** A backend whose worker starts now: fails early when it cannot start. */
  static async connect(spawn: () => Worker, kind: BackendKind = 'wllama'): Promise<WorkerChatBackend> {
    const backend = new WorkerChatBackend(spawn, kind);
    await backend.#worker.start();
    return backend;
  }

  get model(): string | undefined {
    return this.#model;
  }

  /** How many workers were started: more than 1 after a crash. */
  get starts(): number {
    return this.#worker.starts;
  }

  async load(spec: ModelSpec, { onProgress, signal }: LoadOptions = {}): Promise<void> {
    this.#model = undefined;
    this.#spec = undefined;
    await this.#call(signal, (host, jobId) => host.load(jobId, spec, onProgress ? proxy(onProgress) : undefined));
    this.#model = spec.id;
    this.#spec = spec;
  }

  chat(messages: readonly ChatMessage[], options: GenerateOptions = {}): Promise<ChatResult> {
    // Already aborted: the worker would start before the cancellation reached it.
    if (options.signal?.aborted) return Promise.resolve(notStarted());
    const plain = messages.map(({ role, content }) => ({ role, content }));
    return this.#relayed(options, (host, jobId, piece) => host.chat(jobId, plain, request(options), piece));
  }

  complete(prompt: string, options: GenerateOptions = {}): Promise<ChatResult> {
    if (options.signal?.aborted) return Promise.resolve(notStarted());
    return this.#relayed(options, (host, jobId, piece) => host.complete(jobId, prompt, request(options), piece));
  }

  countTokens(text: string): Promise<number> {
    return this.#worker.call((host) => host.countTokens(text));
  }

  countChatTokens(messages: readonly ChatMessage[]): Promise<number> {
    return this.#worker.call((host) => host.countChatTokens(messages.map(({ role, content }) => ({ role, content }))));
  }

  async unload(): Promise<void> {
    this.#model = undefined;
    this.#spec = undefined;
    await this.#worker.call((host) => host.unload());
  }

  /** Stops the worker outright (the model's memory goes with it); the backend cannot be used after. */
  terminate(): void {
    this.#model = undefined;
    this.#spec = undefined;
    this.#worker.terminate();
  }

  async #reload(host: Remote<ChatBackendHost>, restart: boolean): Promise<void> {
    const runs = await host.kind();
    if (runs !== this.kind) throw new Error(`the worker runs ${runs}, not ${this.kind}: check the worker's URL`);
    const spec = this.#spec;
    if (!restart || !spec) return;
    try {
      await host.load(crypto.randomUUID(), spec);
    } catch (error) {
      this.#model = undefined;
      this.#spec = undefined;
      throw error;
    }
  }

  /** A generation whose pieces all reach onToken, in order, before it resolves (see token-relay.ts). */
  async #relayed(
    options: GenerateOptions,
    run: (host: Remote<ChatBackendHost>, jobId: string, piece: ((piece: string) => void) | undefined) => Promise<ChatResult>,
  ): Promise<ChatResult> {
    const relay = options.onToken ? tokenRelay(options.onToken) : undefined;
    const result = await this.#call(options.signal, (host, jobId) => run(host, jobId, relay ? proxy(relay.piece) : undefined));
    relay?.finish(result.text);
    return result;
  }

  #call<T>(signal: AbortSignal | undefined, run: (host: Remote<ChatBackendHost>, jobId: string) => Promise<T>): Promise<T> {
    return this.#worker.call((host) => remoteJob(signal, (jobId) => host.cancel(jobId), (jobId) => run(host, jobId)));
  }
}
