// Search over the person's own history, with the reason each result came back: the words it matched, or that it
// is close in meaning. It only collects the query and shows results; the view asks the engine.
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { RetrievedItem } from '../../engine/history-retrieval';
import { formatDateTime } from '../format';
import { baseStyles } from '../theme';
import { fieldStyles } from '../field-styles';

export interface SearchDetail {
  text: string;
}

declare global {
  interface HTMLElementTagNameMap {
    'persona-history-search': PersonaHistorySearch;
  }
  interface HTMLElementEventMap {
    'persona-search': CustomEvent<SearchDetail>;
  }
}

@customElement('persona-history-search')
export class PersonaHistorySearch extends LitElement {
  static override styles = [
    baseStyles,
    fieldStyles,
    css`
      form {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
      }
      input {
        flex: 1 1 12rem;
      }
      ol {
        padding-left: 1.25rem;
      }
      li {
        margin: 0.375rem 0;
      }
      .text {
        overflow-wrap: anywhere;
      }
      .meta,
      .why {
        display: block;
        font-size: 0.875rem;
      }
    `,
  ];

  @property({ attribute: false }) results: readonly RetrievedItem[] | undefined;
  @property({ type: Boolean }) disabled = false;
  @property({ type: Boolean }) searching = false;
  @state() private query = '';

  override render() {
    return html`
      <label for="search">Search your history</label>
      <form @submit=${this.#submit}>
        <input id="search" type="search" .value=${this.query} ?disabled=${this.disabled}
          @input=${(event: InputEvent) => { this.query = (event.target as HTMLInputElement).value; }} />
        <button type="submit" ?disabled=${this.disabled}>Search</button>
      </form>
      ${this.searching ? html`<p role="status">Searching…</p>` : nothing}
      ${this.results === undefined
        ? nothing
        : this.results.length === 0
          ? html`<p role="status">Nothing in your history matches.</p>`
          : html`<ol aria-label="Search results">
              ${this.results.map(
                (hit) => html`<li>
                  <span class="text">${hit.event.text}</span>
                  <span class="meta muted">${hit.event.kind} · ${formatDateTime(hit.event.ts)} · <a href=${`#history/${encodeURIComponent(hit.event.id)}`}>show in history</a></span>
                  <span class="why muted">${reason(hit)}</span>
                </li>`,
              )}
            </ol>`}
    `;
  }

  #submit(event: SubmitEvent): void {
    event.preventDefault();
    const text = this.query.trim();
    if (text !== '') this.dispatchEvent(new CustomEvent('persona-search', { detail: { text }, bubbles: true, composed: true }));
  }
}

function reason(hit: RetrievedItem): string {
  const parts: string[] = [];
  if (hit.parts.matchedTerms.length > 0) parts.push(`matches “${hit.parts.matchedTerms.join('”, “')}”`);
  if (hit.parts.lists.dense) parts.push(`similar in meaning (#${hit.parts.lists.dense.rank})`);
  return parts.join(' · ');
}
