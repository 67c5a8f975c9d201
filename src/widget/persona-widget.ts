// <persona-widget>: Persona on someone else's site. A launcher button opens a panel with a chat (ask, a streamed
// answer, Stop) and a compact view of what Persona knows about the visitor, each thing with a Forget button. The host
// page drives it too, through the element's methods (track, rank, ask, open, close) and events (persona-ready,
// persona-answer, persona-error); see the README's "Embedding the widget". Everything the element shows is rendered
// through Lit text bindings: tracked history and model output are text, never markup.
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { HistoryEventInput } from '../core/history-event';
import type { RankedItem } from '../core/ranking';
import type { RankInput } from '../engine/persona-engine';
import { describeError } from '../ui/describe-error';
import { connectWidget } from './connect';
import type { AskOptions, WidgetAnswer, WidgetConnection, WidgetMode, WidgetRankOptions } from './widget-connection';
import { WidgetNotConnectedError } from './widget-errors';
import { hasKnowledge, type Forgettable, type WidgetKnowledge } from './widget-knowledge';
import { type PersonaWidgetOptions, widgetMode, modelFromAttributes } from './widget-options';
import { widgetStyles } from './widget-styles';

export type { PersonaWidgetOptions } from './widget-options';
/** The host-facing types of the `persona/widget` entry. */
export type { AskOptions, WidgetAnswer, WidgetConnection, WidgetMode, WidgetRankOptions } from './widget-connection';

/** detail of `persona-answer`: an answer the widget gave, asked from the panel or by the host. */
export interface PersonaAnswerDetail extends WidgetAnswer {
  prompt: string;
}

/** detail of `persona-error`: what failed, and the error (a named Persona error where there is one). */
export interface PersonaErrorDetail {
  during: 'connect' | 'track' | 'rank' | 'ask' | 'knowledge' | 'forget';
  error: unknown;
  message: string;
}

interface Turn {
  question: string;
  answer: string;
  answering: boolean;
  stopped: boolean;
}

export class PersonaWidget extends LitElement {
  static override styles = widgetStyles;

  /** 'same-origin' (default): data at the host's origin; 'isolated': data at Persona's origin, behind a frame. */
  @property({ reflect: true }) mode: string = 'same-origin';
  /** The model's id (a label for a model given by URL). */
  @property() model: string | undefined;
  /** A GGUF model's URL, resolved against `model-host` when that is set, else against the page. */
  @property({ attribute: 'model-url' }) modelUrl: string | undefined;
  /** The base URL of the host's model files. */
  @property({ attribute: 'model-host' }) modelHost: string | undefined;
  /** Where the launcher sits: bottom-right (default), bottom-left, top-right, top-left. */
  @property({ reflect: true }) position: string = 'bottom-right';
  /** 'light', 'dark', or unset for the visitor's system setting. */
  @property({ reflect: true }) theme: string | undefined;
  /** The launcher's text. */
  @property() label = 'Ask Persona';
  /** What attributes cannot carry: a full model spec, the site's personas and global priors, … (set before adding the element to the page). */
  @property({ attribute: false }) options: PersonaWidgetOptions = {};

  @state() private panelOpen = false;
  @state() private tab: 'chat' | 'known' = 'chat';
  @state() private turns: Turn[] = [];
  @state() private status = 'Connecting…';
  @state() private problem = '';
  @state() private known: WidgetKnowledge | undefined;
  @state() private ready = false;

  #connection: Promise<WidgetConnection> | undefined;
  #stop: AbortController | undefined;
  /** Isolated mode: where Persona's frame lives, inside the shadow root, out of sight and out of the host's CSS. */
  #frameHost: HTMLElement | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    // After the current task, so a host that creates the element and then sets `options` is heard.
    queueMicrotask(() => {
      this.#ensureConnection();
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stop?.abort();
    const connection = this.#connection;
    this.#connection = undefined;
    this.ready = false;
    void connection?.then((c) => c.close()).catch(() => undefined);
    this.#frameHost?.remove();
    this.#frameHost = undefined;
  }

  /** Records what the visitor did on the host's site (a view, a click, a rating, …) on their device. */
  async track(event: HistoryEventInput | readonly HistoryEventInput[]): Promise<void> {
    await this.#run('track', async (connection) => {
      await connection.track(event);
      if (this.panelOpen && this.tab === 'known') void this.#loadKnowledge();
    });
  }

  /** The host's items in this visitor's order, best first, each with a reason. */
  rank(items: readonly RankInput[], options: WidgetRankOptions = {}): Promise<RankedItem[]> {
    return this.#run('rank', (connection) => connection.rank(items, options));
  }

  /** Asks the local model, personalized with the visitor's history; pieces stream through `onToken`. */
  async ask(prompt: string, options: AskOptions = {}): Promise<WidgetAnswer> {
    const answer = await this.#run('ask', (connection) => connection.ask(prompt, options));
    this.#emit('persona-answer', { prompt, ...answer } satisfies PersonaAnswerDetail);
    return answer;
  }

  /** Opens the panel and moves focus into it. */
  open(): void {
    this.panelOpen = true;
    void this.updateComplete.then(() => {
      (this.renderRoot.querySelector('textarea') ?? this.renderRoot.querySelector<HTMLElement>('.panel button'))?.focus();
    });
    if (this.tab === 'known') void this.#loadKnowledge();
  }

  /** Closes the panel and gives focus back to the launcher. */
  close(): void {
    if (!this.panelOpen) return;
    this.panelOpen = false;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.launcher')?.focus());
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('position') && !['bottom-right', 'bottom-left', 'top-right', 'top-left'].includes(this.position)) this.position = 'bottom-right';
  }

  protected override render() {
    return html`<div class="root" part="root" data-position=${this.position}>
      <button class="launcher primary" part="launcher" aria-expanded=${this.panelOpen ? 'true' : 'false'} aria-controls="panel" @click=${this.#toggle}>
        ${this.label}
      </button>
      <section id="panel" class="panel" part="panel" role="dialog" aria-labelledby="title" ?hidden=${!this.panelOpen} @keydown=${this.#onKeydown}>
        <header part="header">
          <h2 id="title">Persona</h2>
          <div class="tabs row" part="tabs">
            <button class="small" aria-pressed=${this.tab === 'chat' ? 'true' : 'false'} @click=${() => {
              this.#show('chat');
            }}>Chat</button>
            <button class="small" aria-pressed=${this.tab === 'known' ? 'true' : 'false'} @click=${() => {
              this.#show('known');
            }}>About you</button>
          </div>
          <button class="small" part="close" aria-label="Close Persona" @click=${() => {
              this.close();
            }}>✕</button>
        </header>
        <p class="muted" role="status" part="status">${this.status}</p>
        <div class="alert" role="alert" part="error">${this.problem}</div>
        <div class="body" part="body">${this.tab === 'chat' ? this.#renderChat() : this.#renderKnown()}</div>
        ${this.tab === 'chat' ? this.#renderAskForm() : nothing}
      </section>
    </div>`;
  }

  #renderChat() {
    if (this.turns.length === 0) return html`<p class="muted">Ask anything: answers come from a model on your device, personalized with what you did here.</p>`;
    return html`<ol class="turns" part="turns" aria-label="Conversation">
      ${this.turns.map(
        (turn) => html`<li class="turn user">${turn.question}</li>
          <li class="turn answer" aria-busy=${turn.answering ? 'true' : 'false'}>${turn.answer}${turn.stopped ? html` <span class="muted">(stopped)</span>` : nothing}</li>`,
      )}
    </ol>`;
  }

  #renderAskForm() {
    const answering = this.#stop !== undefined;
    return html`<form part="ask" @submit=${this.#onAsk}>
      <label class="visually-hidden" for="prompt">Your question</label>
      <textarea id="prompt" name="prompt" rows="2" @keydown=${this.#onPromptKeydown}></textarea>
      ${answering
        ? html`<button type="button" class="danger" @click=${() => this.#stop?.abort()}>Stop</button>`
        : html`<button type="submit" class="primary" ?disabled=${!this.ready}>Ask</button>`}
    </form>`;
  }

  #renderKnown() {
    const known = this.known;
    if (widgetModeOrUndefined(this.mode) === 'isolated') {
      // The point of isolated mode: this page never sees the profile. The visitor reviews it on Persona's own site.
      return html`<p class="muted">
        What Persona knows about you is kept on its own site, out of this page's reach. Open
        <a href=${new URL('./', defaultFrameUrl()).href} target="_blank" rel="noopener">Persona</a> to see it, edit it or delete it.
      </p>`;
    }
    if (!known) return html`<p class="muted">${this.ready ? 'Loading…' : 'Not connected yet.'}</p>`;
    const empty = known.preferences.length + known.memories.length + known.interests.length + known.recent.length === 0;
    if (empty) return html`<p class="muted">Persona knows nothing about you yet.</p>`;
    return html`<div class="known" part="known">
      ${known.preferences.length > 0
        ? html`<h3>Your preferences</h3>
            <ul>
              ${known.preferences.map((p) => this.#renderItem(`${p.key}: ${p.value}`, { kind: 'preference', key: p.key }))}
            </ul>`
        : nothing}
      ${known.interests.length > 0
        ? html`<h3>Top interests</h3>
            <ul>
              ${known.interests.map((interest) => html`<li><span>${interest}</span></li>`)}
            </ul>`
        : nothing}
      ${known.memories.length > 0
        ? html`<h3>Memories</h3>
            <ul>
              ${known.memories.map((m) => this.#renderItem(m.text, { kind: 'memory', id: m.id }))}
            </ul>`
        : nothing}
      ${known.recent.length > 0
        ? html`<h3>Recently</h3>
            <ul class="recent">
              ${known.recent.map((e) => this.#renderItem(e.text, { kind: 'event', id: e.id }))}
            </ul>`
        : nothing}
    </div>`;
  }

  #renderItem(text: string, what: Forgettable) {
    const name = text.length > 40 ? `${text.slice(0, 40)}…` : text;
    return html`<li>
      <span>${text}</span>
      <button class="small" aria-label=${`Forget “${name}”`} @click=${() => this.#forget(what)}>Forget</button>
    </li>`;
  }

  #toggle = () => {
    if (this.panelOpen) this.close();
    else this.open();
  };

  #onKeydown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      this.close();
    }
  };

  /** Enter asks; Shift+Enter starts a new line. */
  #onPromptKeydown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      (event.target as HTMLTextAreaElement).form?.requestSubmit();
    }
  };

  #onAsk = (event: SubmitEvent) => {
    event.preventDefault();
    const field = this.renderRoot.querySelector('textarea');
    const question = field?.value.trim() ?? '';
    if (!question || this.#stop || !this.ready) return;
    if (field) field.value = '';
    void this.#askFromPanel(question);
  };

  async #askFromPanel(question: string): Promise<void> {
    const turn: Turn = { question, answer: '', answering: true, stopped: false };
    this.turns = [...this.turns, turn];
    const stop = new AbortController();
    this.#stop = stop;
    this.problem = '';
    // The first question also loads the model (a download the first time): say so, not just "answering".
    const busy = this.turns.length === 1 ? 'Loading the model and answering…' : 'Answering…';
    this.status = busy;
    try {
      const answer = await this.ask(question, {
        signal: stop.signal,
        onToken: (piece) => {
          turn.answer += piece;
          this.requestUpdate();
        },
      });
      turn.answer = answer.text;
      turn.stopped = answer.stopped;
    } catch {
      // persona-error has been sent and the message is shown (see #run).
    } finally {
      turn.answering = false;
      this.#stop = undefined;
      if (this.status === busy) this.status = 'Ready.';
      this.turns = [...this.turns];
    }
  }

  #show(tab: 'chat' | 'known'): void {
    this.tab = tab;
    if (tab === 'known') void this.#loadKnowledge();
  }

  async #loadKnowledge(): Promise<void> {
    await this.#run('knowledge', async (connection) => {
      this.known = hasKnowledge(connection)
        ? await connection.knowledge()
        : { preferences: [], memories: [], interests: [], recent: [] };
    }).catch(() => undefined);
  }

  async #forget(what: Forgettable): Promise<void> {
    await this.#run('forget', async (connection) => {
      if (hasKnowledge(connection)) await connection.forget(what);
    }).catch(() => undefined);
    await this.#loadKnowledge();
  }

  #ensureConnection(): void {
    if (this.isConnected && !this.#connection) this.#connect();
  }

  #connect(): void {
    let mode: WidgetMode;
    try {
      mode = widgetMode(this.mode);
    } catch (error) {
      const refused = Promise.reject(error instanceof Error ? error : new Error(String(error)));
      refused.catch(() => undefined);
      this.#connection = refused;
      this.#fail('connect', error);
      return;
    }
    const model = this.options.model ?? modelFromAttributes(this.model, this.modelUrl, this.modelHost, document.baseURI);
    const { priors, database, source = `widget:${location.hostname || 'page'}`, frameUrl = defaultFrameUrl() } = this.options;
    const container = mode === 'isolated' ? this.#frameContainer() : undefined;
    const connecting = connectWidget({ mode, model, priors, database, source, frameUrl, ...(container ? { container } : {}) });
    this.#connection = connecting;
    connecting.then(
      () => {
        if (this.#connection !== connecting) return;
        this.ready = true;
        this.status = 'Ready.';
        this.#emit('persona-ready', { mode });
      },
      (error: unknown) => {
        if (this.#connection === connecting) this.#fail('connect', error);
      },
    );
  }

  /** A zero-size box in the shadow root for the isolated frame: it runs the engine, the panel stays the host's. */
  #frameContainer(): HTMLElement {
    this.#frameHost?.remove();
    const box = document.createElement('div');
    box.className = 'frame';
    box.setAttribute('aria-hidden', 'true');
    // CSSOM, not a style attribute: a host page's CSP may refuse inline style attributes but never this.
    Object.assign(box.style, { position: 'absolute', width: '0', height: '0', overflow: 'hidden', border: '0' });
    this.renderRoot.appendChild(box);
    this.#frameHost = box;
    return box;
  }

  /** Runs `work` on the connection; a failure is shown, sent as persona-error, and rethrown to the caller. */
  async #run<T>(during: PersonaErrorDetail['during'], work: (connection: WidgetConnection) => Promise<T>): Promise<T> {
    // A host that calls right after adding the element (before the microtask above) connects it now.
    this.#ensureConnection();
    if (!this.#connection) throw new WidgetNotConnectedError(during);
    try {
      return await work(await this.#connection);
    } catch (error) {
      this.#fail(during, error);
      throw error;
    }
  }

  #fail(during: PersonaErrorDetail['during'], error: unknown): void {
    const message = describeError(error);
    this.problem = message;
    if (during === 'connect') this.status = 'Not connected.';
    this.#emit('persona-error', { during, error, message } satisfies PersonaErrorDetail);
  }

  #emit(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

/** The frame page beside this script (persona-widget.js and widget-frame.html sit at the root of Persona's build). */
const FRAME_PAGE = 'widget-frame.html';
function defaultFrameUrl(): string {
  return new URL(FRAME_PAGE, import.meta.url).href;
}

function widgetModeOrUndefined(value: string): WidgetMode | undefined {
  try {
    return widgetMode(value);
  } catch {
    return undefined;
  }
}

if (!customElements.get('persona-widget')) customElements.define('persona-widget', PersonaWidget);

declare global {
  interface HTMLElementTagNameMap {
    'persona-widget': PersonaWidget;
  }
  interface HTMLElementEventMap {
    'persona-ready': CustomEvent<{ mode: WidgetMode }>;
    'persona-answer': CustomEvent<PersonaAnswerDetail>;
    'persona-error': CustomEvent<PersonaErrorDetail>;
  }
}
