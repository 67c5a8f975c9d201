// Asks before anything is deleted: a modal dialog that says what will go and resolves with the person's answer.
// Escape, Cancel and closing it all mean no; the safe answer has the focus, so a stray Enter deletes nothing.
import { css, html, LitElement } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { baseStyles } from '../theme';

export interface ConfirmRequest {
  title: string;
  message: string;
  /** The destructive button's words, e.g. 'Delete 2 events'. */
  confirmLabel: string;
}

declare global {
  interface HTMLElementTagNameMap {
    'persona-confirm-dialog': PersonaConfirmDialog;
  }
}

@customElement('persona-confirm-dialog')
export class PersonaConfirmDialog extends LitElement {
  static override styles = [
    baseStyles,
    css`
      dialog {
        max-width: min(30rem, calc(100vw - 2rem));
        border: 1px solid var(--persona-border);
        border-radius: var(--persona-radius);
        background: var(--persona-bg);
        color: var(--persona-fg);
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 0.5);
      }
      .actions {
        justify-content: flex-end;
      }
    `,
  ];

  @state() private request: ConfirmRequest | undefined;
  @query('dialog') private dialog!: HTMLDialogElement;
  @query('.cancel') private cancelButton!: HTMLButtonElement;
  #answer: ((confirmed: boolean) => void) | undefined;

  /** Shows the question; resolves true only if the person confirmed. A new question answers an open one with no. */
  async ask(request: ConfirmRequest): Promise<boolean> {
    this.#settle(false);
    this.request = request;
    await this.updateComplete;
    if (!this.dialog.open) this.dialog.showModal();
    this.cancelButton.focus();
    return new Promise((resolve) => {
      this.#answer = resolve;
    });
  }

  override render() {
    return html`<dialog aria-labelledby="confirm-title" aria-describedby="confirm-message" @close=${() => { this.#settle(false); }}>
      <h2 id="confirm-title">${this.request?.title}</h2>
      <p id="confirm-message">${this.request?.message}</p>
      <div class="row actions">
        <button type="button" class="cancel" @click=${() => { this.#close(false); }}>Cancel</button>
        <button type="button" class="danger confirm" @click=${() => { this.#close(true); }}>${this.request?.confirmLabel}</button>
      </div>
    </dialog>`;
  }

  #close(confirmed: boolean): void {
    this.#settle(confirmed);
    this.dialog.close();
  }

  #settle(confirmed: boolean): void {
    const answer = this.#answer;
    this.#answer = undefined;
    answer?.(confirmed);
  }
}
