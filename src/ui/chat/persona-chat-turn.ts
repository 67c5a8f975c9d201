// One turn of the conversation: the question, the answer (streaming, finished, stopped or edited) in safe Markdown,
// what the user can do with it, and why it says what it says. The turn only asks; the Chat view acts (it owns the
// engine calls and reports their failures), so every action leaves as a `persona-turn-action` event.
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { Persona } from '../../persona';
import { baseStyles } from '../theme';
import type { ChatTurn } from './chat-turn';
import { renderMarkdown } from './markdown';
import './persona-answer-why';

export type TurnAction = { action: 'copy' | 'up' | 'down' | 'regenerate' } | { action: 'edit'; editedText: string };

declare global {
  interface HTMLElementTagNameMap {
    'persona-chat-turn': PersonaChatTurn;
  }
  interface HTMLElementEventMap {
    'persona-turn-action': CustomEvent<TurnAction>;
  }
}

@customElement('persona-chat-turn')
export class PersonaChatTurn extends LitElement {
  static override styles = [
    baseStyles,
    css`
      article {
        display: grid;
        gap: 0.5rem;
      }
      .who {
        display: block;
        font-size: 0.875rem;
        font-weight: 600;
        color: var(--persona-muted);
      }
      .question p {
        margin: 0;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .answer {
        overflow-wrap: anywhere;
      }
      .answer p,
      .answer ul,
      .answer ol,
      .answer pre {
        margin: 0.25rem 0 0.5rem;
      }
      .answer h4,
      .answer h5,
      .answer h6 {
        margin: 0.75rem 0 0.25rem;
        font-size: 1rem;
      }
      .answer pre {
        white-space: pre-wrap;
        padding: 0.5rem;
        background: var(--persona-bg);
        border: 1px solid var(--persona-border);
        border-radius: var(--persona-radius);
      }
      code {
        font-family: var(--persona-mono);
        font-size: 0.9em;
      }
      .tags {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 0.75rem;
        margin: 0;
        font-size: 0.875rem;
      }
      .tag-stopped {
        color: var(--persona-danger);
        font-weight: 600;
      }
      button[aria-pressed='true'] {
        background: var(--persona-accent);
        color: var(--persona-on-accent);
        border-color: var(--persona-accent);
      }
      .edit textarea {
        width: 100%;
        min-height: 8rem;
        resize: vertical;
      }
      .edit label {
        display: block;
        margin-bottom: 0.25rem;
      }
    `,
  ];

  @property({ attribute: false }) turn: ChatTurn | undefined;
  @property({ attribute: false }) persona: Persona | undefined;
  /** Only the newest answer can be asked again. */
  @property({ type: Boolean }) last = false;
  /** Another answer is being written: actions that would ask the model wait. */
  @property({ type: Boolean }) busy = false;
  @state() private editing = false;
  @query('textarea') private editor: HTMLTextAreaElement | null | undefined;
  @query('.edit-button') private editButton: HTMLButtonElement | null | undefined;
  #focusAfterUpdate: 'editor' | 'edit-button' | undefined;

  override render() {
    const turn = this.turn;
    if (!turn) return nothing;
    const answering = turn.phase === 'answering';
    return html`<article aria-label=${`You asked: ${turn.question.slice(0, 80)}`}>
      <div class="question card">
        <span class="who">You</span>
        <p>${turn.question}</p>
      </div>
      <div class="answer" aria-busy=${answering ? 'true' : 'false'}>
        <span class="who">Answer</span>
        <div class="answer-text">${renderMarkdown(turn.text)}</div>
        ${answering && turn.text.length === 0 ? html`<p class="muted">Preparing the answer…</p>` : nothing}
        ${turn.phase === 'failed' && turn.text.length === 0 ? html`<p class="muted">No answer: the message above the conversation says why.</p>` : nothing}
        ${this.#renderTags(turn)}
      </div>
      ${this.editing ? this.#renderEditor(turn) : this.#renderActions(turn)}
      ${turn.answer ? html`<persona-answer-why .persona=${this.persona} .answer=${turn.answer}></persona-answer-why>` : nothing}
    </article>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const target = this.#focusAfterUpdate === 'editor' ? this.editor : this.#focusAfterUpdate === 'edit-button' ? this.editButton : undefined;
    this.#focusAfterUpdate = undefined;
    target?.focus();
  }

  #renderTags(turn: ChatTurn) {
    const tags = [];
    if (turn.phase === 'stopped') tags.push(html`<span class="tag-stopped">Stopped: the answer ends where you stopped it.</span>`);
    if (turn.phase === 'done' && turn.answer?.finishReason === 'length') tags.push(html`<span class="muted">Cut at the answer length limit.</span>`);
    if (turn.edited) tags.push(html`<span class="muted">Edited by you.</span>`);
    if (turn.answer && turn.answer.id === undefined) tags.push(html`<span class="muted">${turn.temporary ? 'Temporary: not recorded.' : 'Not recorded (learning is paused).'}</span>`);
    return tags.length > 0 ? html`<p class="tags">${tags}</p>` : nothing;
  }

  #renderActions(turn: ChatTurn) {
    if (turn.phase === 'answering') return nothing;
    const regenerate = this.last
      ? html`<button type="button" ?disabled=${this.busy} @click=${() => { this.#ask({ action: 'regenerate' }); }}>Regenerate</button>`
      : nothing;
    // A failed answer, or one stopped before it began, can only be asked again.
    if (!turn.answer) return this.last ? html`<div class="row" role="group" aria-label="This answer">${regenerate}</div>` : nothing;
    // Ratings and edits are feedback on a recorded answer; an answer that was not recorded has nothing to attach to.
    const recorded = turn.answer.id !== undefined;
    return html`<div class="row" role="group" aria-label="This answer">
      <button type="button" @click=${() => { this.#ask({ action: 'copy' }); }}>Copy</button>
      <button type="button" aria-pressed=${turn.rating === 'up' ? 'true' : 'false'} ?disabled=${!recorded} @click=${() => { this.#ask({ action: 'up' }); }}>
        <span aria-hidden="true">👍</span> Good answer
      </button>
      <button type="button" aria-pressed=${turn.rating === 'down' ? 'true' : 'false'} ?disabled=${!recorded} @click=${() => { this.#ask({ action: 'down' }); }}>
        <span aria-hidden="true">👎</span> Bad answer
      </button>
      <button type="button" class="edit-button" @click=${this.#startEditing}>Edit the answer</button>
      ${regenerate}
    </div>`;
  }

  #renderEditor(turn: ChatTurn) {
    return html`<form class="edit" @submit=${this.#save} @keydown=${this.#onEditorKey}>
      <label for="edited">Edited answer</label>
      <textarea id="edited" .value=${turn.text}></textarea>
      <div class="row">
        <button type="submit" class="primary">Save</button>
        <button type="button" @click=${this.#stopEditing}>Cancel</button>
      </div>
    </form>`;
  }

  #ask(detail: TurnAction): void {
    this.dispatchEvent(new CustomEvent('persona-turn-action', { detail }));
  }

  #startEditing(): void {
    this.editing = true;
    this.#focusAfterUpdate = 'editor';
  }

  #stopEditing(): void {
    this.editing = false;
    this.#focusAfterUpdate = 'edit-button';
  }

  #onEditorKey(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.preventDefault();
      this.#stopEditing();
    }
  }

  #save(event: SubmitEvent): void {
    event.preventDefault();
    const editedText = this.editor?.value.trim() ?? '';
    if (editedText.length === 0) return;
    this.#ask({ action: 'edit', editedText });
    this.#stopEditing();
  }
}
