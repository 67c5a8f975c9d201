// One memory as the user sees and controls it: the fact, where it came from (links to the events, or that one was
// deleted), and every change it went through (when, by whom, why, what it said), with edit in place, pin and a
// confirmed delete.
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { HistoryEvent } from '../../core/history-event';
import type { Memory } from '../../core/memory';
import type { MemoryPatch } from '../../store/memories';
import type { Persona } from '../../persona';
import { ChangeRunner } from '../change-runner';
import { formatDateTime, plural } from '../format';
import { baseStyles } from '../theme';
import { authorName } from './memory-filter';

declare global {
  interface HTMLElementTagNameMap {
    'persona-memory-item': PersonaMemoryItem;
  }
}

/** Fired (bubbling, composed) after the memory was deleted, so the list can put focus somewhere sensible. */
export const MEMORY_DELETED = 'persona-memory-deleted';

/** A memory's text cut for a button's accessible name: enough to tell two memories apart. */
function excerpt(text: string): string {
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

@customElement('persona-memory-item')
export class PersonaMemoryItem extends LitElement {
  static override styles = [
    baseStyles,
    css`
      article {
        border: 1px solid var(--persona-border);
        border-radius: var(--persona-radius);
        padding: 0.75rem;
        background: var(--persona-bg);
      }
      :host([highlighted]) article {
        border: 3px solid var(--persona-accent);
      }
      .text,
      .quoted {
        margin: 0 0 0.25rem;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .meta {
        font-size: 0.875rem;
      }
      .tag {
        display: inline-block;
        padding: 0 0.4rem;
        border: 1px solid currentColor;
        border-radius: var(--persona-radius);
        font-size: 0.875rem;
      }
      ul,
      ol {
        margin: 0.25rem 0;
        padding-left: 1.25rem;
      }
      li {
        overflow-wrap: anywhere;
      }
      details {
        margin-top: 0.5rem;
      }
      form {
        display: grid;
        gap: 0.5rem;
      }
      form label {
        display: grid;
        gap: 0.25rem;
      }
      label > input,
      label > textarea {
        font-weight: normal;
      }
      textarea {
        width: 100%;
        min-height: 4rem;
      }
      dialog {
        border: 1px solid var(--persona-border);
        border-radius: var(--persona-radius);
        background: var(--persona-bg);
        color: var(--persona-fg);
        max-width: min(30rem, calc(100vw - 2rem));
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 0.4);
      }
    `,
  ];

  @property({ attribute: false }) persona: Persona | undefined;
  @property({ attribute: false }) memory!: Memory;
  /** The memory's source events by id, as they are now: undefined where one was deleted. */
  @property({ attribute: false }) sources: ReadonlyMap<string, HistoryEvent | undefined> = new Map();
  /** Set when the URL names this memory. */
  @property({ type: Boolean, reflect: true }) highlighted = false;
  @state() private editing = false;
  readonly #changes = new ChangeRunner(this);

  override render() {
    const memory = this.memory;
    return html`<article tabindex="-1" aria-label=${`Memory: ${excerpt(memory.text)}`}>
      ${this.editing ? this.#renderEditor(memory) : this.#renderMemory(memory)}
      ${this.#renderSources(memory)}
      ${this.#renderHistory(memory)}
      <div class="alert" role="alert">${this.#changes.problem}</div>
      <dialog aria-labelledby="confirm-title" @close=${this.#onDialogClose}>
        <h3 id="confirm-title">Delete this memory?</h3>
        <p class="quoted">${memory.text}</p>
        <p>Persona forgets it for good. The events it came from stay in your history.</p>
        <form method="dialog" class="row">
          <button type="submit" value="delete" class="danger">Delete memory</button>
          <button type="submit" value="keep" autofocus>Keep it</button>
        </form>
      </dialog>
    </article>`;
  }

  #renderMemory(memory: Memory) {
    const name = excerpt(memory.text);
    return html`
      <p class="text">${memory.text}</p>
      <div class="row meta muted">
        ${memory.pinned ? html`<span class="tag">Pinned</span>` : nothing}
        ${memory.category ? html`<span class="tag">${memory.category}</span>` : nothing}
        <span>Confidence ${Math.round(memory.confidence * 100)}%</span>
        <span>Changed ${formatDateTime(memory.updatedAt)}</span>
      </div>
      <div class="row">
        <button type="button" data-action="edit" @click=${this.#startEditing} aria-label=${`Edit memory “${name}”`}>Edit</button>
        <button type="button" @click=${this.#togglePin} ?disabled=${this.#changes.busy} aria-label=${`${memory.pinned ? 'Unpin' : 'Pin'} memory “${name}”`}>
          ${memory.pinned ? 'Unpin' : 'Pin'}
        </button>
        <button type="button" class="danger" @click=${this.#confirmDelete} ?disabled=${this.#changes.busy} aria-label=${`Delete memory “${name}”`}>Delete</button>
      </div>
    `;
  }

  #renderEditor(memory: Memory) {
    return html`<form @submit=${this.#save} @keydown=${this.#cancelOnEscape} aria-label="Edit memory">
      <label>Memory<textarea name="text" required maxlength="4000" .value=${memory.text}></textarea></label>
      <label>Category<input name="category" maxlength="100" autocomplete="off" .value=${memory.category ?? ''} /></label>
      <div class="row">
        <button type="submit" class="primary" ?disabled=${this.#changes.busy}>Save memory</button>
        <button type="button" @click=${this.#stopEditing}>Cancel</button>
      </div>
    </form>`;
  }

  #renderSources(memory: Memory) {
    if (memory.sourceEventIds.length === 0) return html`<p class="meta muted">Added without a source event.</p>`;
    return html`<details>
      <summary>From ${plural(memory.sourceEventIds.length, 'event')}</summary>
      <ul>
        ${memory.sourceEventIds.map((id) => {
          const event = this.sources.get(id);
          return html`<li>${event ? html`<a href=${`#history/${encodeURIComponent(id)}`}>${event.text || event.kind}</a>` : html`<span class="muted">Source deleted</span>`}</li>`;
        })}
      </ul>
    </details>`;
  }

  #renderHistory(memory: Memory) {
    const revisions = [...memory.history].reverse();
    return html`<details>
      <summary>Change history (${plural(revisions.length, 'change')})</summary>
      <ol reversed aria-label="Change history">
        ${revisions.map(
          (revision) => html`<li>
            <span class="revision-reason">${revision.reason}</span> by ${authorName(revision.by)}, ${formatDateTime(revision.at)}${revision.pinned ? ' (pinned)' : ''}:
            <span class="revision-text">${revision.text}</span>
          </li>`,
        )}
      </ol>
    </details>`;
  }

  async #startEditing(): Promise<void> {
    this.editing = true;
    await this.updateComplete;
    this.renderRoot.querySelector('textarea')?.focus();
  }

  async #stopEditing(): Promise<void> {
    this.editing = false;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>('button[data-action="edit"]')?.focus();
  }

  #cancelOnEscape(event: KeyboardEvent): void {
    if (event.key === 'Escape') void this.#stopEditing();
  }

  async #save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const text = (form.elements.namedItem('text') as HTMLTextAreaElement).value;
    const category = (form.elements.namedItem('category') as HTMLInputElement).value.trim();
    const patch: MemoryPatch = {};
    if (text !== this.memory.text) patch.text = text;
    if (category !== (this.memory.category ?? '')) patch.category = category;
    if (Object.keys(patch).length === 0) return this.#stopEditing();
    if (await this.#run((persona) => persona.memories.update(this.memory.id, patch))) await this.#stopEditing();
  }

  async #togglePin(): Promise<void> {
    await this.#run((persona) => persona.memories.pin(this.memory.id, !this.memory.pinned));
  }

  #confirmDelete(): void {
    this.renderRoot.querySelector('dialog')?.showModal();
  }

  async #onDialogClose(event: Event): Promise<void> {
    const dialog = event.currentTarget as HTMLDialogElement;
    const choice = dialog.returnValue;
    dialog.returnValue = '';
    if (choice !== 'delete') return;
    if (await this.#run((persona) => persona.memories.delete(this.memory.id))) {
      this.dispatchEvent(new CustomEvent(MEMORY_DELETED, { bubbles: true, composed: true, detail: this.memory.id }));
    }
  }

  /** Runs a change; the view's reload on the change feed brings the memory back as it now is. */
  async #run(change: (persona: Persona) => Promise<unknown>): Promise<boolean> {
    const persona = this.persona;
    return persona ? this.#changes.run(() => change(persona)) : false;
  }
}
