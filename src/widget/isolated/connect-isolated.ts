// The host page's side of isolated mode: an iframe from Persona's own origin holds the engine and the user's data,
// and this connection talks to it only over postMessage. The host learns what it asks for — answers and rankings —
// and nothing else: it cannot reach the frame's storage, and the frame's replies carry no profile.
import { WidgetFrameGoneError, WidgetFrameTimeoutError } from '../../core/errors';
import type { HistoryEventInput } from '../../core/history-event';
import type { RankedItem } from '../../core/ranking';
import type { RankInput } from '../../engine/persona-engine';
import { reviveError } from '../../platform/error-cloning';
import type { AskOptions, WidgetAnswer, WidgetConnection, WidgetRankOptions } from '../widget-connection';
import { isFrameMessage, PROTOCOL_VERSION, type FrameMessage, type Request, type WireRequest } from './protocol';
import { WIDGET_HOSTS_SETTING } from './widget-hosts';

export interface ConnectIsolatedOptions {
  /** The frame page on Persona's origin, e.g. 'https://persona.example/widget-frame.html'. */
  frameUrl: string;
  /** Where the iframe goes; the connection sizes nothing, the host styles the frame. */
  container: HTMLElement;
  /** Stops connecting (the frame is removed); once connected, closes the connection. */
  signal?: AbortSignal;
  /** How long the frame may take to start its engine and answer (default 30 s). */
  readyTimeoutMs?: number;
}

/** Tight as works: scripts, and its own origin so that its storage and workers are Persona's. Nothing else. */
export const FRAME_SANDBOX = 'allow-scripts allow-same-origin';
/** Lets the frame be cross-origin isolated (multi-threaded WASM) when the host page is. */
export const FRAME_ALLOW = 'cross-origin-isolated';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  onToken?: (piece: string) => void;
}

export async function connectIsolated(options: ConnectIsolatedOptions): Promise<WidgetConnection> {
  const { frameUrl, container, signal, readyTimeoutMs = 30_000 } = options;
  signal?.throwIfAborted();
  const url = new URL(frameUrl, location.href);
  const channel = new FrameChannel(container, url);
  try {
    await channel.ready(readyTimeoutMs, signal);
  } catch (error) {
    channel.close('connecting was given up');
    throw error;
  }
  const connection = new IsolatedConnection(channel);
  signal?.addEventListener('abort', () => void connection.close(), { once: true });
  return connection;
}

/** The iframe and its message traffic: requests out to the frame's exact origin, replies matched back by id. */
class FrameChannel {
  readonly #iframe: HTMLIFrameElement;
  readonly #origin: string;
  readonly #pending = new Map<string, Pending>();
  readonly #observer: MutationObserver;
  #gone: WidgetFrameGoneError | undefined;
  #loads = 0;

  constructor(container: HTMLElement, url: URL) {
    this.#origin = url.origin;
    const iframe = document.createElement('iframe');
    iframe.title = 'Persona';
    iframe.setAttribute('sandbox', FRAME_SANDBOX);
    iframe.allow = FRAME_ALLOW;
    // The frame needs nothing of the host's URL.
    iframe.referrerPolicy = 'no-referrer';
    iframe.src = url.href;
    this.#iframe = iframe;
    window.addEventListener('message', this.#onMessage);
    // Loaded again after the handshake: the frame navigated or reloaded, and its engine state with it.
    iframe.addEventListener('load', this.#onLoad);
    // Removed from the page: its window and everything pending in it are gone.
    this.#observer = new MutationObserver(() => {
      if (!iframe.isConnected) this.close('the frame was removed from the page');
    });
    this.#observer.observe(container.ownerDocument, { childList: true, subtree: true });
    container.append(iframe);
  }

  /** Resolves once the frame's engine has started and it answered the handshake from this page. */
  ready(timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const settle = (error?: unknown) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', stop);
        if (error === undefined) resolve();
        else reject(error instanceof Error ? error : new DOMException('Connecting was aborted', 'AbortError'));
      };
      const stop = () => {
        settle(signal?.reason ?? new DOMException('Connecting was aborted', 'AbortError'));
      };
      const timer = setTimeout(() => {
        settle(new WidgetFrameTimeoutError(this.#origin, timeoutMs, WIDGET_HOSTS_SETTING));
      }, timeoutMs);
      signal?.addEventListener('abort', stop, { once: true });
      // The frame's listener is in place once its page has loaded (it is installed before anything is awaited).
      this.#iframe.addEventListener(
        'load',
        () => {
          this.request({ method: 'hello', args: [] }).then(() => {
            settle();
          }, settle);
        },
        { once: true },
      );
    });
  }

  /** Sends one request; resolves with its result, or rejects with the frame's (named) error. */
  request(request: Omit<Request, 'id'>): Promise<unknown> {
    return this.start(request).result;
  }

  /** Sends one request and gives its id too, so that an ask can be stopped with cancel(id). */
  start(request: Omit<Request, 'id'>, onToken?: (piece: string) => void): { id: string; result: Promise<unknown> } {
    const id = crypto.randomUUID();
    const target = this.#iframe.contentWindow;
    if (this.#gone || !target) return { id, result: Promise.reject(this.#gone ?? new WidgetFrameGoneError('the frame has no window')) };
    const result = new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, ...(onToken ? { onToken } : {}) });
      // Delivered only while the frame's document is at Persona's origin: never to whatever it may have navigated to.
      target.postMessage({ persona: PROTOCOL_VERSION, id, ...request }, this.#origin);
    });
    return { id, result };
  }

  /** Tells the frame to stop request `id` (an ask); its answer so far then arrives as its result. */
  cancel(id: string): void {
    if (this.#gone) return;
    const cancel: WireRequest = { persona: PROTOCOL_VERSION, id: crypto.randomUUID(), method: 'cancel', args: [id] };
    this.#iframe.contentWindow?.postMessage(cancel, this.#origin);
  }

  close(reason: string): void {
    if (this.#gone) return;
    this.#gone = new WidgetFrameGoneError(reason);
    window.removeEventListener('message', this.#onMessage);
    this.#iframe.removeEventListener('load', this.#onLoad);
    this.#observer.disconnect();
    for (const pending of this.#pending.values()) pending.reject(this.#gone);
    this.#pending.clear();
    this.#iframe.remove();
  }

  readonly #onLoad = () => {
    if (++this.#loads > 1) this.close('the frame loaded another page');
  };

  readonly #onMessage = (event: MessageEvent) => {
    // Only the frame this connection made, at Persona's origin, is heard: not another frame, not the host's scripts.
    if (event.source !== this.#iframe.contentWindow || event.origin !== this.#origin || !isFrameMessage(event.data)) return;
    this.#deliver(event.data);
  };

  #deliver(message: FrameMessage): void {
    if (message.type === 'error' && message.id === null) {
      // A refusal the frame could not tie to a request: every request here has a readable id, so it is not ours.
      console.warn(`Persona widget: the frame refused a message (${message.error.name}: ${message.error.message})`);
      return;
    }
    const pending = message.id === null ? undefined : this.#pending.get(message.id);
    if (!pending || message.id === null) return;
    if (message.type === 'token') {
      pending.onToken?.(message.piece);
      return;
    }
    this.#pending.delete(message.id);
    if (message.type === 'result') pending.resolve(message.value);
    else pending.reject(reviveError(message.error));
  }
}

class IsolatedConnection implements WidgetConnection {
  readonly mode = 'isolated';

  constructor(private readonly channel: FrameChannel) {}

  async track(event: HistoryEventInput | readonly HistoryEventInput[]): Promise<void> {
    const events = Array.isArray(event) ? (event as readonly HistoryEventInput[]).map(plainEvent) : plainEvent(event as HistoryEventInput);
    await this.channel.request({ method: 'track', args: [events] });
  }

  async rank(items: readonly RankInput[], options: WidgetRankOptions = {}): Promise<RankedItem[]> {
    // Factors may be typed arrays; the protocol takes plain JSON values only.
    const plain = items.map((item) => (item.factor ? { ...item, factor: Array.from(item.factor) } : { ...item }));
    return (await this.channel.request({ method: 'rank', args: [plain, options] })) as RankedItem[];
  }

  async ask(prompt: string, options: AskOptions = {}): Promise<WidgetAnswer> {
    const { signal, onToken } = options;
    const { id, result } = this.channel.start({ method: 'ask', args: [prompt] }, onToken);
    const stop = () => { this.channel.cancel(id); };
    signal?.addEventListener('abort', stop, { once: true });
    if (signal?.aborted) stop();
    try {
      return (await result) as WidgetAnswer;
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  }

  close(): Promise<void> {
    this.channel.close('the connection was closed');
    return Promise.resolve();
  }
}

/** An event as the protocol carries it: a Date timestamp as milliseconds. */
function plainEvent(event: HistoryEventInput): HistoryEventInput {
  return event.ts instanceof Date ? { ...event, ts: event.ts.getTime() } : { ...event };
}
