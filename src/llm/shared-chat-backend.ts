// One model per browser. A model takes hundreds of megabytes to gigabytes of memory; a second tab must not load a
// second copy. Every tab (or worker) of the origin creates a SharedChatBackend under the same name: the one holding
// the Web Lock leads and runs the model in its own ChatBackend; the others send it their calls over a
// BroadcastChannel and receive the answer piece by piece. When the leading tab closes, its lock is released, the
// next tab in the lock's queue leads, and it loads the last model the old leader had (from the device's cache).
// Calls that were running in the closed tab fail with a GenerationError saying so; later calls work as before.
import { GenerationError } from '../core/errors';
import { cloneError, reviveError, type ClonedError } from '../platform/error-cloning';
import { notStarted, type BackendKind, type ChatBackend, type ChatMessage, type ChatResult, type GenerateOptions, type LoadOptions, type ModelLoadProgress } from './chat-backend';
import type { ModelSpec } from './model-spec';

type Method = 'load' | 'chat' | 'complete' | 'countTokens' | 'countChatTokens' | 'unload';
type GenerateRequest = Omit<GenerateOptions, 'signal' | 'onToken'>;

type Message =
  | { type: 'hello'; from: string }
  | { type: 'leader'; from: string; kind: BackendKind; model: string | undefined; spec: ModelSpec | undefined }
  | { type: 'request'; from: string; to: string; id: string; method: Method; args: unknown[] }
  | { type: 'cancel'; from: string; to: string; id: string }
  | { type: 'token'; to: string; id: string; piece: string }
  | { type: 'progress'; to: string; id: string; progress: ModelLoadProgress }
  | { type: 'result'; to: string; id: string; value: unknown }
  | { type: 'error'; to: string; id: string; error: ClonedError };

interface Pending {
  leader: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onToken: ((piece: string) => void) | undefined;
  onProgress: ((progress: ModelLoadProgress) => void) | undefined;
}

export interface SharedChatBackendOptions {
  /** The lock and channel name: tabs sharing it share one model. Default 'persona-llm'. */
  name?: string;
  /** The backend this tab runs when it leads (created only then). */
  createLocal: () => ChatBackend;
}

export class SharedChatBackend implements ChatBackend {
  readonly tabId = crypto.randomUUID();
  readonly #channel: BroadcastChannel;
  readonly #createLocal: () => ChatBackend;
  #local: ChatBackend | undefined;
  #leader: { tabId: string; kind: BackendKind; model: string | undefined } | undefined;
  #leaderKnown: Promise<void>;
  #announce: () => void = () => undefined;
  /** The last model any leader loaded, so a new leader can load it again. */
  #spec: ModelSpec | undefined;
  #releaseLock: (() => void) | undefined;
  /** The new leader's reload of the previous leader's model: calls wait for it. */
  #takingOver: Promise<unknown> | undefined;
  #closed = false;
  readonly #pending = new Map<string, Pending>();
  /** Calls this tab runs for others, by the caller's id, so they can be cancelled. */
  readonly #serving = new Map<string, AbortController>();

  constructor({ name = 'persona-llm', createLocal }: SharedChatBackendOptions) {
    this.#createLocal = createLocal;
    this.#channel = new BroadcastChannel(name);
    this.#channel.onmessage = (event: MessageEvent<Message>) => {
      void this.#receive(event.data);
    };
    this.#leaderKnown = new Promise((resolve) => (this.#announce = resolve));
    this.#post({ type: 'hello', from: this.tabId });
    void navigator.locks.request(`${name}:leader`, () => this.#lead());
  }

  /** Resolves once a leading tab (this one or another) is known. */
  ready(): Promise<void> {
    return this.#leaderKnown;
  }

  /** Whether this tab runs the model. */
  get isLeader(): boolean {
    return this.#local !== undefined;
  }

  get kind(): BackendKind {
    return this.#local?.kind ?? this.#leader?.kind ?? 'wllama';
  }

  get model(): string | undefined {
    return this.#local ? this.#local.model : this.#leader?.model;
  }

  async load(spec: ModelSpec, { onProgress, signal }: LoadOptions = {}): Promise<void> {
    await this.#call('load', [spec], { ...(signal ? { signal } : {}), ...(onProgress ? { onProgress } : {}) });
  }

  async chat(messages: readonly ChatMessage[], options: GenerateOptions = {}): Promise<ChatResult> {
    if (options.signal?.aborted) return notStarted();
    const { signal, onToken, ...request } = options;
    const plain = messages.map(({ role, content }) => ({ role, content }));
    return (await this.#call('chat', [plain, request], { ...(signal ? { signal } : {}), ...(onToken ? { onToken } : {}) })) as ChatResult;
  }

  async complete(prompt: string, options: GenerateOptions = {}): Promise<ChatResult> {
    if (options.signal?.aborted) return notStarted();
    const { signal, onToken, ...request } = options;
    return (await this.#call('complete', [prompt, request], { ...(signal ? { signal } : {}), ...(onToken ? { onToken } : {}) })) as ChatResult;
  }

  async countTokens(text: string): Promise<number> {
    return (await this.#call('countTokens', [text], {})) as number;
  }

  async countChatTokens(messages: readonly ChatMessage[]): Promise<number> {
    return (await this.#call('countChatTokens', [messages.map(({ role, content }) => ({ role, content }))], {})) as number;
  }

  async unload(): Promise<void> {
    await this.#call('unload', [], {});
  }

  /** Leaves: gives up the lead (another tab takes the model over), closes the channel, frees the local model. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#channel.close();
    const local = this.#local;
    this.#local = undefined;
    await local?.unload().catch(() => undefined);
    this.#releaseLock?.();
  }

  /** Runs while this tab holds the lock; resolving it hands the lead on. */
  async #lead(): Promise<void> {
    if (this.#closed) return;
    const local = this.#createLocal();
    this.#local = local;
    this.#abandonCallsNotTo(this.tabId);
    this.#leader = { tabId: this.tabId, kind: local.kind, model: undefined };
    this.#announce();
    this.#broadcastLeader();
    const held = new Promise<void>((resolve) => (this.#releaseLock = resolve));
    if (this.#spec) {
      this.#takingOver = local.load(this.#spec).then(
        () => {
          this.#broadcastLeader();
        },
        () => undefined,
      );
    }
    await held;
  }

  /** Calls sent to an old leader will never be answered: it is gone. */
  #abandonCallsNotTo(leader: string): void {
    for (const [id, pending] of this.#pending) {
      if (pending.leader !== leader) {
        this.#pending.delete(id);
        pending.reject(new GenerationError('the tab that was running the model closed; ask again'));
      }
    }
  }

  #broadcastLeader(): void {
    const local = this.#local;
    if (!local) return;
    this.#post({ type: 'leader', from: this.tabId, kind: local.kind, model: local.model, spec: this.#spec });
  }

  #post(message: Message): void {
    if (!this.#closed) this.#channel.postMessage(message);
  }

  async #call(method: Method, args: unknown[], hooks: { signal?: AbortSignal; onToken?: (piece: string) => void; onProgress?: (progress: ModelLoadProgress) => void }): Promise<unknown> {
    await this.#leaderKnown;
    if (this.#local) return this.#runLocal(method, args, hooks);
    const leader = this.#leader?.tabId as string;
    const id = crypto.randomUUID();
    const { signal } = hooks;
    return new Promise((resolve, reject) => {
      const cancel = () => {
        this.#post({ type: 'cancel', from: this.tabId, to: leader, id });
      };
      signal?.addEventListener('abort', cancel, { once: true });
      const settle = () => {
        signal?.removeEventListener('abort', cancel);
      };
      this.#pending.set(id, {
        leader,
        resolve: (value) => {
          settle();
          resolve(value);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
        onToken: hooks.onToken,
        onProgress: hooks.onProgress,
      });
      this.#post({ type: 'request', from: this.tabId, to: leader, id, method, args });
      if (signal?.aborted) cancel();
    });
  }

  async #runLocal(method: Method, args: unknown[], hooks: { signal?: AbortSignal; onToken?: (piece: string) => void; onProgress?: (progress: ModelLoadProgress) => void }): Promise<unknown> {
    const local = this.#local as ChatBackend;
    await this.#takingOver;
    const { signal, onToken, onProgress } = hooks;
    const generate = { ...(args[1] as GenerateRequest | undefined), ...(signal ? { signal } : {}), ...(onToken ? { onToken } : {}) };
    switch (method) {
      case 'load': {
        const spec = args[0] as ModelSpec;
        // Another tab asking for the model this one already runs shares it.
        if (local.model === spec.id) return undefined;
        await local.load(spec, { ...(signal ? { signal } : {}), ...(onProgress ? { onProgress } : {}) });
        this.#spec = spec;
        this.#broadcastLeader();
        return undefined;
      }
      case 'chat':
        return local.chat(args[0] as ChatMessage[], generate);
      case 'complete':
        return local.complete(args[0] as string, generate);
      case 'countTokens':
        return local.countTokens(args[0] as string);
      case 'countChatTokens':
        return local.countChatTokens(args[0] as ChatMessage[]);
      case 'unload':
        await local.unload();
        this.#spec = undefined;
        this.#broadcastLeader();
        return undefined;
    }
  }

  async #receive(message: Message): Promise<void> {
    switch (message.type) {
      case 'hello':
        if (this.#local) this.#broadcastLeader();
        return;
      case 'leader':
        this.#abandonCallsNotTo(message.from);
        this.#leader = { tabId: message.from, kind: message.kind, model: message.model };
        this.#spec = message.spec;
        this.#announce();
        return;
      case 'request':
        if (message.to === this.tabId) await this.#serve(message);
        return;
      case 'cancel':
        if (message.to === this.tabId) this.#serving.get(message.id)?.abort();
        return;
      default: {
        if (message.to !== this.tabId) return;
        const pending = this.#pending.get(message.id);
        if (!pending) return;
        if (message.type === 'token') pending.onToken?.(message.piece);
        else if (message.type === 'progress') pending.onProgress?.(message.progress);
        else {
          this.#pending.delete(message.id);
          if (message.type === 'result') pending.resolve(message.value);
          else pending.reject(reviveError(message.error));
        }
      }
    }
  }

  async #serve({ from, id, method, args }: Extract<Message, { type: 'request' }>): Promise<void> {
    const controller = new AbortController();
    this.#serving.set(id, controller);
    try {
      const value = await this.#runLocal(method, args, {
        signal: controller.signal,
        onToken: (piece) => {
          this.#post({ type: 'token', to: from, id, piece });
        },
        onProgress: (progress) => {
          this.#post({ type: 'progress', to: from, id, progress });
        },
      });
      this.#post({ type: 'result', to: from, id, value });
    } catch (error) {
      this.#post({ type: 'error', to: from, id, error: cloneError(error) });
    } finally {
      this.#serving.delete(id);
    }
  }
}
