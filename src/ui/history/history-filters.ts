// Narrows the timeline by kind, source and days; every change asks the view to read the history again.
import { css, html, LitElement } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { EVENT_KINDS, type EventKind } from '../../core/history-event';
import { baseStyles } from '../theme';
import { dayRange } from './day-range';
import type { EventFilter } from './event-pager';

declare global {
  interface HTMLElementTagNameMap {
    'persona-history-filters': PersonaHistoryFilters;
  }
  interface HTMLElementEventMap {
    'persona-filter-change': CustomEvent<EventFilter>;
  }
}

@customElement('persona-history-filters')
export class PersonaHistoryFilters extends LitElement {
  static override styles = [
    baseStyles,
    css`
      fieldset {
        border: 1px solid var(--persona-border);
        border-radius: var(--persona-radius);
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: end;
        margin: 0;
      }
      legend {
        font-weight: 600;
      }
      .field {
        display: flex;
        flex-direction: column;
        gap: 0.125rem;
        min-width: 0;
      }
    `,
  ];

  @state() private kind = '';
  @state() private source = '';
  @state() private fromDay = '';
  @state() private toDay = '';

  override render() {
    return html`<form @submit=${(event: Event) => { event.preventDefault(); this.#emit(); }}>
      <fieldset>
        <legend>Show only</legend>
        <div class="field">
          <label for="kind">Kind</label>
          <select id="kind" .value=${this.kind} @change=${(e: Event) => { this.kind = (e.target as HTMLSelectElement).value; this.#emit(); }}>
            <option value="">All kinds</option>
            ${EVENT_KINDS.map((kind) => html`<option value=${kind} ?selected=${kind === this.kind}>${kind}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="source">Source</label>
          <input id="source" type="text" placeholder="e.g. app" .value=${this.source} @change=${(e: Event) => { this.source = (e.target as HTMLInputElement).value; this.#emit(); }} />
        </div>
        <div class="field">
          <label for="from">From</label>
          <input id="from" type="date" .value=${this.fromDay} @change=${(e: Event) => { this.fromDay = (e.target as HTMLInputElement).value; this.#emit(); }} />
        </div>
        <div class="field">
          <label for="to">To</label>
          <input id="to" type="date" .value=${this.toDay} @change=${(e: Event) => { this.toDay = (e.target as HTMLInputElement).value; this.#emit(); }} />
        </div>
        <button type="button" @click=${this.#clear}>Clear filters</button>
      </fieldset>
    </form>`;
  }

  #clear(): void {
    this.kind = '';
    this.source = '';
    this.fromDay = '';
    this.toDay = '';
    this.#emit();
  }

  #emit(): void {
    const source = this.source.trim();
    const filter: EventFilter = {
      ...(this.kind === '' ? {} : { kind: this.kind as EventKind }),
      ...(source === '' ? {} : { source }),
      ...dayRange(this.fromDay, this.toDay),
    };
    this.dispatchEvent(new CustomEvent<EventFilter>('persona-filter-change', { detail: filter, bubbles: true, composed: true }));
  }
}
