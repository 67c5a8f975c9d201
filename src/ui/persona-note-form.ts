// A labelled text area and a button to write a note. It only collects text: the element that owns the store records
// it, then calls clear() on success, so a rejected note stays in the box for the person to fix.
import { css, html, LitElement } from 'lit';
import { customElement, query } from 'lit/decorators.js';
import { DEFAULT_EVENT_LIMITS } from '../index';
import { fieldStyles } from './field-styles';

export interface NoteSubmitDetail {
  text: string;
}

declare global {
  interface HTMLElementTagNameMap {
    'persona-note-form': PersonaNoteForm;
  }
  interface HTMLElementEventMap {
    'persona-note-submit': CustomEvent<NoteSubmitDetail>;
  }
}

@customElement('persona-note-form')
export class PersonaNoteForm extends LitElement {
  static override styles = [
    fieldStyles,
    css`
      textarea {
        box-sizing: border-box;
        width: 100%;
        font: inherit;
        padding: 0.5rem;
        resize: vertical;
      }
      .hint {
        margin: 0.25rem 0 0.5rem;
        font-size: 0.875rem;
        opacity: 0.8;
      }
      button {
        font: inherit;
        padding: 0.375rem 1rem;
      }
      textarea:focus-visible,
      button:focus-visible {
        outline: 3px solid #4a78c2;
        outline-offset: 2px;
      }
    `,
  ];

  @query('textarea') private textarea!: HTMLTextAreaElement;

  /** Empties the text area and puts the cursor back in it, ready for the next note. */
  clear(): void {
    this.textarea.value = '';
    this.textarea.focus();
  }

  override render() {
    const max = DEFAULT_EVENT_LIMITS.maxTextLength.toLocaleString('en');
    return html`
      <form @submit=${this.#onSubmit}>
        <label for="note">New note</label>
        <textarea id="note" name="note" rows="4" aria-describedby="note-hint" @keydown=${this.#onKeydown}></textarea>
        <p id="note-hint" class="hint">Up to ${max} characters. Ctrl+Enter saves.</p>
        <button type="submit">Save note</button>
      </form>
    `;
  }

  #onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      this.textarea.form?.requestSubmit();
    }
  }

  #onSubmit(event: SubmitEvent): void {
    // Nothing is ever posted: the note goes to the store in this browser.
    event.preventDefault();
    this.dispatchEvent(
      new CustomEvent<NoteSubmitDetail>('persona-note-submit', {
        detail: { text: this.textarea.value },
        bubbles: true,
        composed: true,
      }),
    );
  }
}
