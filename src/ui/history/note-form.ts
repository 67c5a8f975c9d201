// A labelled text area and a button to write a note, keyboard first (Ctrl+Enter saves). It only collects text: the
// view records it, then calls clear() on success, so a rejected note stays in the box for the person to fix.
import { css, html, LitElement } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { DEFAULT_EVENT_LIMITS } from '../../core/event-validation';
import { baseStyles } from '../theme';
import { fieldStyles } from '../field-styles';

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
    baseStyles,
    fieldStyles,
    css`
      textarea {
        width: 100%;
        resize: vertical;
      }
      .hint {
        margin: 0.25rem 0 0.5rem;
        font-size: 0.875rem;
      }
    `,
  ];

  /** While a save is under way: the button says so and a second save waits. */
  @property({ type: Boolean }) saving = false;
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
        <textarea id="note" name="note" rows="3" aria-describedby="note-hint" @keydown=${this.#onKeydown}></textarea>
        <p id="note-hint" class="hint muted">Up to ${max} characters. Ctrl+Enter saves.</p>
        <button type="submit" class="primary" aria-disabled=${this.saving ? 'true' : 'false'}>${this.saving ? 'Saving…' : 'Save note'}</button>
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
    if (this.saving) return;
    this.dispatchEvent(new CustomEvent<NoteSubmitDetail>('persona-note-submit', { detail: { text: this.textarea.value }, bubbles: true, composed: true }));
  }
}
