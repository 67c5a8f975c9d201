// The summary of the user the model writes from their history: its text, where it came from, whether the user
// edited it (an edit is kept over every regeneration) or it is stale (events it came from were deleted), and the
// two things to do with it: edit it by hand, or have the loaded model write it again, with progress and Cancel.
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { HistoryEvent } from '../../core/history-event';
import type { ProfileSummary } from '../../core/profile';
import type { Persona } from '../../persona';
import { describeError } from '../describe-error';
import { formatDateTime, plural } from '../format';
import { baseStyles } from '../theme';

declare global {
  interface HTMLElementTagNameMap {
    'persona-profile-summary': PersonaProfileSummary;
  }
}

/** Source events linked by their text; the rest are counted. */
const LINKED_SOURCES = 5;

type SummaryReport = Awaited<ReturnType<Persona['profile']['refreshSummary']>>;

@customElement('persona-profile-summary')
export class PersonaProfileSummary extends LitElement {
  static override styles = [
    baseStyles,
    css`
      .text {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        margin: 0 0 0.5rem;
      }
      .marker {
        display: inline-block;
        padding: 0 0.4rem;
        border: 1px solid currentColor;
        border-radius: var(--persona-radius);
        font-size: 0.875rem;
      }
      .stale {
        color: var(--persona-danger);
      }
      textarea {
        width: 100%;
        min-height: 8rem;
      }
      label {
        display: block;
      }
      ul {
        margin: 0.25rem 0;
        padding-left: 1.25rem;
      }
      li a {
        overflow-wrap: anywhere;
      }
    `,
  ];

  @property({ attribute: false }) persona: Persona | undefined;
  @property({ attribute: false }) summary: ProfileSummary | undefined;
  /** The first few source events, as they are now (undefined where deleted). */
  @property({ attribute: false }) sources: readonly (HistoryEvent | undefined)[] = [];
  /** The loaded model's id; without one there is nothing to regenerate with. */
  @property() model: string | undefined;
  @state() private editing = false;
  @state() private regenerating: AbortController | undefined;
  @state() private outcome = '';
  @state() private problem = '';

  override render() {
    return html`
      ${this.editing ? this.#renderEditor() : this.#renderSummary()}
      ${this.#renderRegenerate()}
      <p role="status">${this.outcome}</p>
      <div class="alert" role="alert">${this.problem}</div>
    `;
  }

  #renderSummary() {
    const summary = this.summary;
    if (!summary) return html`<p class="muted">No summary yet. Once a model is loaded Persona writes one from your history, or you can write your own.</p>
      <button type="button" @click=${this.#startEditing}>Write a summary</button>`;
    const count = summary.sourceEventIds.length;
    return html`
      <p class="text">${summary.text}</p>
      <div class="row">
        ${summary.editedAt !== undefined ? html`<span class="marker" id="edited-marker">Edited by you</span>` : nothing}
        ${summary.staleSince !== undefined ? html`<span class="marker stale">Stale</span>` : nothing}
      </div>
      <p class="muted">
        ${count > 0 ? `Written ${formatDateTime(summary.generatedAt)} from ${plural(count, 'event')} of your history.` : `Written ${formatDateTime(summary.generatedAt)}.`}
        ${summary.editedAt !== undefined ? `You edited it ${formatDateTime(summary.editedAt)}: your text is kept when the summary is regenerated, until you edit it again.` : ''}
      </p>
      ${summary.staleSince !== undefined
        ? html`<p>Some of the events this summary came from were deleted (${formatDateTime(summary.staleSince)}), so it may still mention them. It will be written again without them${summary.editedAt !== undefined ? ' unless your edit is kept; edit it to remove what should go' : ' the next time the model runs'}.</p>`
        : nothing}
      ${count > 0 ? this.#renderSources(summary.sourceEventIds) : nothing}
      <button type="button" @click=${this.#startEditing}>Edit summary</button>
    `;
  }

  #renderSources(ids: readonly string[]) {
    const linked = ids.slice(0, LINKED_SOURCES);
    return html`<details>
      <summary>Events it was written from</summary>
      <ul>
        ${linked.map((id, i) => {
          const event = this.sources[i];
          return html`<li>${event ? html`<a href=${`#history/${encodeURIComponent(id)}`}>${event.text || event.kind}</a>` : html`<span class="muted">A deleted event</span>`}</li>`;
        })}
      </ul>
      ${ids.length > linked.length ? html`<p class="muted">and ${plural(ids.length - linked.length, 'more event')}.</p>` : nothing}
    </details>`;
  }

  #renderEditor() {
    return html`<form @submit=${this.#save} @keydown=${this.#cancelOnEscape}>
      <label for="summary-text">Your summary</label>
      <textarea id="summary-text" name="text" maxlength="8000" .value=${this.summary?.text ?? ''}></textarea>
      <p class="muted">Your text replaces the model's and is kept when the summary is regenerated.</p>
      <div class="row">
        <button type="submit" class="primary">Save summary</button>
        <button type="button" @click=${this.#stopEditing}>Cancel</button>
      </div>
    </form>`;
  }

  #renderRegenerate() {
    if (this.regenerating) {
      return html`<div>
        <p>The model is writing the summary from your history…</p>
        <progress aria-label="Writing the summary"></progress>
        <button type="button" @click=${() => this.regenerating?.abort()}>Cancel</button>
      </div>`;
    }
    if (this.model === undefined) {
      return html`<p class="muted">Regenerating needs a language model, and none is loaded. <a href="#models">Load one under Models</a>, then come back.</p>`;
    }
    return html`<div class="row">
      <button type="button" @click=${this.#regenerate} ?disabled=${this.editing}>Regenerate summary</button>
      ${this.summary?.editedAt !== undefined ? html`<span class="muted">Your edited text will be kept; edit it to change it.</span>` : nothing}
    </div>`;
  }

  async #startEditing(): Promise<void> {
    this.editing = true;
    this.outcome = '';
    await this.updateComplete;
    this.renderRoot.querySelector('textarea')?.focus();
  }

  async #stopEditing(): Promise<void> {
    this.editing = false;
    this.problem = '';
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>('button')?.focus();
  }

  #cancelOnEscape(event: KeyboardEvent): void {
    if (event.key === 'Escape') void this.#stopEditing();
  }

  async #save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const persona = this.persona;
    if (!persona) return;
    const text = ((event.currentTarget as HTMLFormElement).elements.namedItem('text') as HTMLTextAreaElement).value;
    try {
      await persona.profile.editSummary(text);
      this.problem = '';
      this.outcome = 'Your summary is saved.';
      await this.#stopEditing();
    } catch (error) {
      // The form stays open with the text as typed.
      this.problem = describeError(error);
    }
  }

  async #regenerate(): Promise<void> {
    const persona = this.persona;
    if (!persona) return;
    const controller = new AbortController();
    this.regenerating = controller;
    this.outcome = '';
    this.problem = '';
    try {
      this.outcome = describeReport(await persona.profile.refreshSummary({ signal: controller.signal }));
    } catch (error) {
      if (controller.signal.aborted) this.outcome = 'Cancelled: the summary is as it was.';
      else this.problem = `${describeError(error)} (The summary is as it was: try again, or load another model under Models.)`;
    } finally {
      this.regenerating = undefined;
    }
  }
}

/** What a regeneration did, for the status line. */
function describeReport(report: SummaryReport): string {
  if (report.keptUserEdit) return 'Your edited summary was kept: the model does not write over your text. Edit it to change it.';
  if (report.written) return 'The model wrote a new summary from your history.';
  if (report.skipped) return `Nothing was written: ${report.skipped}.`;
  return `The model's summary was not used${report.rejected ? `: ${report.rejected}` : ''}. The summary is as it was.`;
}
