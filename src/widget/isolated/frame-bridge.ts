// Inside Persona's isolated widget frame: the one door between the host page and the engine. A message is heard only
// when it comes from the page that embeds this frame (window.parent) AND from an origin the deployment allows
// (PERSONA_WIDGET_HOSTS); anything else is ignored and logged. A heard message is validated whole (protocol.ts)
// before the engine sees it; a malformed one gets a named error and changes nothing. Replies go to that exact origin,
// never '*', and carry only what was asked: no profile, no memories, no history, no prompt, no provenance.
import { PersonaError, WidgetMessageError } from '../../core/errors';
import type { RankedItem } from '../../core/ranking';
import type { Persona } from '../../persona';
import { cloneError, type ClonedError } from '../../platform/error-cloning';
import { MAX_IN_FLIGHT, parseRequest, PROTOCOL_VERSION, readableId, type FrameMessage, type Request } from './protocol';
import { WIDGET_HOSTS_SETTING } from './widget-hosts';
import type { WidgetAnswer } from '../widget-connection';

/** What the frame asks of the engine: the three calls a host may make, and which events a host recorded. */
export type BridgeEngine = Pick<Persona, 'record' | 'rank' | 'chat' | 'events'>;

export interface FrameBridgeOptions {
  /** The engine, once it has started (requests wait for it; a failed start answers each with its error). */
  engine: Promise<BridgeEngine>;
  /** Origins allowed to talk to this frame: the deployment's list, never the host's say. */
  allowedOrigins: readonly string[];
  /** The embedding page's window (window.parent); in tests, a MessagePort standing in for it. */
  parent: MessageEventSource;
  /** Where ignored messages are reported (default console.warn). */
  warn?: (message: string) => void;
}

export class FrameBridge {
  readonly #engine: Promise<BridgeEngine>;
  readonly #allowed: ReadonlySet<string>;
  readonly #parent: MessageEventSource;
  readonly #warn: (message: string) => void;
  /** Requests in flight by id; an ask's controller stops it on 'cancel'. */
  readonly #inFlight = new Map<string, AbortController>();

  constructor(options: FrameBridgeOptions) {
    this.#engine = options.engine;
    this.#allowed = new Set(options.allowedOrigins);
    this.#parent = options.parent;
     
    this.#warn =
      options.warn ??
      ((message) => {
        console.warn(message);
      });
  }

  /** The window's 'message' listener. Resolves when the request is answered (tests await it; the page need not). */
  async handle(event: MessageEvent): Promise<void> {
    if (!this.#allowed.has(event.origin)) {
      this.#warn(`Persona widget frame: ignored a message from ${event.origin}, which is not on this deployment's allow-list (${WIDGET_HOSTS_SETTING}).`);
      return;
    }
    if (event.source !== this.#parent) {
      this.#warn(`Persona widget frame: ignored a message from ${event.origin} that did not come from the page embedding this frame.`);
      return;
    }
    const origin = event.origin;
    let request: Request;
    try {
      request = parseRequest(event.data);
    } catch (error) {
      this.#post({ persona: PROTOCOL_VERSION, id: readableId(event.data), type: 'error', error: publicError(error) }, origin);
      return;
    }
    if (request.method !== 'cancel' && this.#inFlight.has(request.id)) {
      // Answered without an id: under this id the first request's own answer is still to come.
      const error = new WidgetMessageError('message.id', `repeats "${request.id}", which is still in flight`);
      this.#post({ persona: PROTOCOL_VERSION, id: null, type: 'error', error: publicError(error) }, origin);
      return;
    }
    if (this.#inFlight.size >= MAX_IN_FLIGHT) {
      const error = new WidgetMessageError('message', `exceeds the ${MAX_IN_FLIGHT} requests one page may have in flight`);
      this.#post({ persona: PROTOCOL_VERSION, id: request.id, type: 'error', error: publicError(error) }, origin);
      return;
    }
    await this.#answer(request, origin);
  }

  async #answer(request: Request, origin: string): Promise<void> {
    if (request.method === 'cancel') {
      this.#inFlight.get(request.args[0])?.abort();
      this.#post({ persona: PROTOCOL_VERSION, id: request.id, type: 'result', value: null }, origin);
      return;
    }
    const controller = new AbortController();
    this.#inFlight.set(request.id, controller);
    try {
      const value = await this.#run(request, origin, controller.signal);
      this.#post({ persona: PROTOCOL_VERSION, id: request.id, type: 'result', value }, origin);
    } catch (error) {
      this.#post({ persona: PROTOCOL_VERSION, id: request.id, type: 'error', error: publicError(error) }, origin);
    } finally {
      this.#inFlight.delete(request.id);
    }
  }

  async #run(request: Exclude<Request, { method: 'cancel' }>, origin: string, signal: AbortSignal): Promise<unknown> {
    const engine = await this.#engine;
    switch (request.method) {
      case 'hello':
        return { version: PROTOCOL_VERSION };
      case 'track': {
        // Events name the host that sent them (whatever it says), so the user can see and block it, and a ranking's
        // reasons can tell its own events from other sites' (ownReasons).
        const [input] = request.args;
        const events = (Array.isArray(input) ? input : [input]).map((event) => ({ ...event, source: origin }));
        await engine.record(events);
        return null;
      }
      case 'rank': {
        const [items, options = {}] = request.args;
        const ranked = await engine.rank(items, {
          ...(options.limit === undefined ? {} : { limit: options.limit }),
          // Diversity 0 is plain relevance; MMR's λ weighs relevance against similarity to the items above.
          ...(options.diversity ? { mmrLambda: 1 - options.diversity * 0.999 } : {}),
        });
        return ownReasons(engine, ranked, origin);
      }
      case 'ask': {
        const answer = await engine.chat([{ role: 'user', content: request.args[0] }], {
          signal,
          onToken: (piece) => {
            this.#post({ persona: PROTOCOL_VERSION, id: request.id, type: 'token', piece }, origin);
          },
        });
        // Only the words: the prompt, the provenance and what retrieval found are the user's, and stay here.
        const reply: WidgetAnswer = { text: answer.text, stopped: answer.finishReason === 'abort' };
        return reply;
      }
    }
  }

  #post(message: FrameMessage, origin: string): void {
    // A Window delivers only while its document is still at `origin`; a MessagePort (tests) has no origin to check.
    (this.#parent as Window).postMessage(message, { targetOrigin: origin });
  }
}

/** How many of the newest events rank() reads (the engine's RANK_HISTORY; not imported: the engine stays in its worker). */
export const RANKED_HISTORY = 500;

/**
 * The ranking with reasons that name only what this host recorded. Where the browser does not partition the frame's
 * storage by host site, its history holds every allowed site's events; a reason such as "because you rated X highly"
 * must not tell one site what the visitor did on another. Such an item keeps its place and gets the general reason.
 */
async function ownReasons(engine: BridgeEngine, ranked: RankedItem[], origin: string): Promise<RankedItem[]> {
  if (!ranked.some((item) => item.because)) return ranked;
  // rank() names items from the newest events; this host's share of them is among its newest as many.
  const { events } = await engine.events.list({ source: origin, limit: RANKED_HISTORY });
  const own = new Set(events.flatMap((event) => [event.id, ...(event.itemId ? [event.itemId] : [])]));
  return ranked.map((item) => {
    if (!item.because || own.has(item.because.id)) return item;
    const { because: _other, ...rest } = item;
    return { ...rest, reasonKind: 'content', reason: 'similar to what you like' };
  });
}

/** A Persona error as the host may see it: its name, message and fields, without the frame's stack. */
function publicError(error: unknown): ClonedError {
  // Anything that is not a named error is an internal fault: say so by name, without its internals.
  if (!(error instanceof PersonaError)) return { name: 'PersonaError', message: 'Persona could not answer this request because of an internal error.' };
  const { stack: _stack, ...rest } = cloneError(error);
  return rest;
}
