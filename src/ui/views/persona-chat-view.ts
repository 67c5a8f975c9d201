// The Chat view: a conversation with the loaded model, personalized from the user's own data, answered as it is
// written. The conversation lives here (a new chat or a reload forgets it; the engine records the turns unless the
// chat is temporary). Each answer can be stopped, asked again, copied, rated, corrected, and explained.
import { css, html, nothing, type PropertyValues } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import type { Persona } from '../../persona';
import { conversationBefore, type ChatTurn } from '../chat/chat-turn';
import '../chat/persona-chat-turn';
import type { TurnAction } from '../chat/persona-chat-turn';
import { describeError } from '../describe-error';
import { PersonaView } from '../persona-view';
import { baseStyles } from '../theme';

declare global {
  interface HTMLElementTagNameMap {
    'persona-chat-view': PersonaChatView;
  }
}

/** Answer lengths, tokens. The default leaves room for a prompt even in a small model's 512-token context. */
const ANSWER_LENGTHS = [
  { tokens: 128, label: 'Short' },
  { tokens: 256, label: 'Medium' },
  { tokens: 512, label: 'Long' },
] as const;
const DEFAULT_ANSWER_TOKENS = 256;

/**
 * The conversation outlives the view element: following a "why" link to the history and coming back must not lose
 * it. It lives only in this page's memory (a reload or New chat forgets it), so a temporary chat still keeps nothing.
 */
const kept: { turns: readonly ChatTurn[]; temporary: boolean; answerTokens: number } = { turns: [], temporary: false, answerTokens: DEFAULT_ANSWER_TOKENS };

@customElement('persona-chat-view')
export class PersonaChatView extends PersonaView {
  static override styles = [
    baseStyles,
    css`
      .conversation {
        display: grid;
        gap: 1.25rem;
        margin: 0 0 1rem;
        padding: 0;
        list-style: none;
      }
      .conversation > li {
        padding-bottom: 1rem;
        border-bottom: 1px solid var(--persona-border);
      }
      .temporary {
        border: 2px dashed var(--persona-accent);
        border-radius: var(--persona-radius);
        padding: 0.75rem;
      }
      .temporary-note {
        margin: 0 0 0.75rem;
        font-weight: 600;
      }
      .composer label {
        display: block;
        margin-bottom: 0.25rem;
      }
      .composer textarea {
        width: 100%;
        min-height: 4.5rem;
        resize: vertical;
      }
      .hint {
        margin: 0.25rem 0 0.5rem;
        font-size: 0.875rem;
      }
      .options {
        margin: 0 0 1rem;
      }
      .options label {
        font-weight: 400;
      }
      .live {
        min-height: 1.5em;
        margin: 0.5rem 0;
      }
      .notice {
        margin: 0 0 1rem;
      }
    `,
  ];

  protected readonly watches = [] as const;

  @state() private turns: readonly ChatTurn[] = [];
  @state() private temporary = false;
  @state() private answerTokens: number = DEFAULT_ANSWER_TOKENS;
  /** What the live region last said: screen readers hear when an answer starts and how it ended. */
  @state() private announcement = '';
  @state() private answering = false;
  @query('#message') private messageBox: HTMLTextAreaElement | null | undefined;
  #controller: AbortController | undefined;
  #nextKey = 1;

  /** Nothing stored is shown here: the conversation is the view's own. */
  protected async load(_persona: Persona): Promise<void> {
    await Promise.resolve();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // An answer still being written when the previous view element left was stopped with it.
    this.turns = kept.turns.map((turn) => (turn.phase === 'answering' ? { ...turn, phase: 'stopped' } : turn));
    this.temporary = kept.temporary;
    this.answerTokens = kept.answerTokens;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // An answer nobody sees is not worth the model's time; it ends as stopped, with what it had.
    this.#controller?.abort();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    kept.turns = this.turns;
    kept.temporary = this.temporary;
    kept.answerTokens = this.answerTokens;
  }

  override render() {
    const model = this.status?.model;
    return html`<h2>Chat</h2>
      ${model === undefined
        ? html`<p class="notice card">No model is loaded yet, so there is nothing to answer with. <a href="#models">Choose a model</a></p>`
        : html`<p class="notice muted">Answering with ${model}, on this device.</p>`}
      ${this.status?.paused ? html`<p class="notice muted">Learning is paused: this chat is not recorded.</p>` : nothing}
      <div class="alert" role="alert">${this.problem}</div>
      <div class="options row">
        <label><input type="checkbox" .checked=${this.temporary} @change=${this.#onTemporary} /> Temporary chat: record nothing</label>
        <label>
          Answer length
          <select @change=${this.#onLength}>
            ${ANSWER_LENGTHS.map((length) => html`<option value=${length.tokens} ?selected=${length.tokens === this.answerTokens}>${length.label} (${length.tokens} tokens)</option>`)}
          </select>
        </label>
        <button type="button" @click=${this.#newChat}>New chat</button>
      </div>
      <section class=${this.temporary ? 'temporary' : ''} aria-label=${this.temporary ? 'Temporary conversation' : 'Conversation'}>
        ${this.temporary ? html`<p class="temporary-note">Temporary chat: nothing you ask or get here is recorded or learnt from.</p>` : nothing}
        ${this.turns.length === 0
          ? html`<p class="muted">Ask anything. Answers draw on what Persona knows about you; each one says why.</p>`
          : html`<ol class="conversation">
              ${this.turns.map(
                (turn, i) => html`<li>
                  <persona-chat-turn
                    .turn=${turn}
                    .persona=${this.persona}
                    ?last=${i === this.turns.length - 1}
                    ?busy=${this.answering}
                    @persona-turn-action=${(event: CustomEvent<TurnAction>) => void this.#onTurnAction(turn.key, event.detail)}
                  ></persona-chat-turn>
                </li>`,
              )}
            </ol>`}
        <p class="live" aria-live="polite">${this.announcement}</p>
        <form class="composer" @submit=${this.#onSubmit}>
          <label for="message">Message</label>
          <textarea id="message" aria-describedby="message-hint" @keydown=${this.#onMessageKey}></textarea>
          <p id="message-hint" class="hint muted">Enter sends; Shift+Enter starts a new line.</p>
          <div class="row">
            ${this.answering
              ? html`<button type="button" class="danger" @click=${this.#stop}>Stop</button>`
              : html`<button type="submit" class="primary" ?disabled=${model === undefined}>Send</button>`}
          </div>
        </form>
      </section>`;
  }

  #onMessageKey(event: KeyboardEvent): void {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    (event.target as HTMLTextAreaElement).form?.requestSubmit();
  }

  #onSubmit(event: SubmitEvent): void {
    // Nothing is ever posted: the question goes to the model in this browser.
    event.preventDefault();
    const box = this.messageBox;
    const question = box?.value.trim() ?? '';
    if (!box || question.length === 0 || this.answering) return;
    if (this.status?.model === undefined) {
      this.problem = 'No model is loaded, so nothing can answer yet. Choose a model in Models, then send again.';
      return;
    }
    box.value = '';
    void this.#ask(question);
  }

  /** Asks `question` after the turns before it; `replacing` a turn asks it again in its place. */
  async #ask(question: string, replacing?: number): Promise<void> {
    const persona = this.persona;
    if (!persona || this.answering) return;
    const at = replacing === undefined ? this.turns.length : this.turns.findIndex((turn) => turn.key === replacing);
    if (at < 0) return;
    const key = this.#nextKey++;
    const temporary = this.temporary;
    this.turns = [...this.turns.slice(0, at), { key, question, text: '', phase: 'answering', temporary, edited: false }, ...this.turns.slice(at + 1)];
    const conversation = [...conversationBefore(this.turns.slice(0, at)), { role: 'user' as const, content: question }];
    const controller = new AbortController();
    this.#controller = controller;
    this.answering = true;
    this.announcement = 'Answering…';
    try {
      const answer = await persona.chat(conversation, {
        signal: controller.signal,
        maxTokens: this.answerTokens,
        ...(temporary ? { temporary: true } : {}),
        onToken: (piece) => {
          this.#updateTurn(key, (turn) => ({ ...turn, text: turn.text + piece }));
        },
      });
      // New chat dropped the turn while it was answered: nothing is left to show or announce.
      if (!this.#hasTurn(key)) return;
      const stopped = answer.finishReason === 'abort';
      this.#updateTurn(key, (turn) => ({ ...turn, text: answer.text, phase: stopped ? 'stopped' : 'done', answer }));
      this.announcement = stopped ? 'Stopped' : 'Answer complete';
      this.problem = '';
    } catch (error) {
      if (!this.#hasTurn(key)) return;
      // Stopped before the model wrote anything (e.g. while the prompt was composed): what there is stays.
      if (controller.signal.aborted) {
        this.#updateTurn(key, (turn) => ({ ...turn, phase: 'stopped' }));
        this.announcement = 'Stopped';
      } else {
        this.#updateTurn(key, (turn) => ({ ...turn, phase: 'failed' }));
        this.announcement = 'The answer failed';
        this.report(error);
      }
    } finally {
      if (this.#controller === controller) {
        this.#controller = undefined;
        this.answering = false;
      }
    }
  }

  #stop(): void {
    this.#controller?.abort();
    // The Stop button is gone once the answer ends; the message box is where the person goes on from.
    this.messageBox?.focus();
  }

  #newChat(): void {
    this.#controller?.abort();
    this.#controller = undefined;
    this.answering = false;
    this.turns = [];
    this.problem = '';
    this.announcement = this.temporary ? 'New temporary chat' : 'New chat';
    this.messageBox?.focus();
  }

  #onTemporary(event: Event): void {
    this.temporary = (event.target as HTMLInputElement).checked;
  }

  #onLength(event: Event): void {
    this.answerTokens = Number((event.target as HTMLSelectElement).value);
  }

  #hasTurn(key: number): boolean {
    return this.turns.some((turn) => turn.key === key);
  }

  #updateTurn(key: number, change: (turn: ChatTurn) => ChatTurn): void {
    this.turns = this.turns.map((turn) => (turn.key === key ? change(turn) : turn));
  }

  async #onTurnAction(key: number, detail: TurnAction): Promise<void> {
    const persona = this.persona;
    const turn = this.turns.find((t) => t.key === key);
    if (!persona || !turn) return;
    const answerId = turn.answer?.id;
    switch (detail.action) {
      case 'copy':
        await this.#copy(persona, turn.text, answerId);
        return;
      case 'up':
      case 'down': {
        if (answerId === undefined) return;
        // Pressing the pressed rating again lifts it on the page; the engine keeps what was said (it has no retraction).
        if (turn.rating === detail.action) {
          this.#updateTurn(key, (t) => ({ ...t, rating: undefined }));
          return;
        }
        const signal = detail.action;
        if (await this.act(() => persona.feedback(answerId, signal))) this.#updateTurn(key, (t) => ({ ...t, rating: signal }));
        return;
      }
      case 'edit': {
        const { editedText } = detail;
        if (answerId !== undefined && !(await this.act(() => persona.feedback(answerId, 'edit', { editedText })))) return;
        this.#updateTurn(key, (t) => ({ ...t, text: editedText, edited: true }));
        this.announcement = 'Your edit of the answer is saved';
        return;
      }
      case 'regenerate':
        if (this.answering) return;
        // Asking again says this answer was not good enough; a failure to say so must not stop the new answer.
        if (answerId !== undefined) await this.act(() => persona.feedback(answerId, 'regenerate'));
        await this.#ask(turn.question, key);
        return;
    }
  }

  async #copy(persona: Persona, text: string, answerId: string | undefined): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
    } catch (error) {
      this.problem = `The browser did not allow copying (${describeError(error)}). Select the answer's text and copy it with the keyboard instead.`;
      return;
    }
    this.announcement = 'Answer copied';
    if (answerId !== undefined) await this.act(() => persona.feedback(answerId, 'copy'));
    else this.problem = '';
  }
}
