// The newest events, one row each: kind, time, text and a delete button. It asks for deletions by event; the element
// that owns the store deletes, and the change feed brings the new list back.
import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { HistoryEvent } from '../index';

export interface EventDeleteDetail {
  id: string;
}

declare global {
  interface HTMLElementTagNameMap {
    'persona-event-list': PersonaEventList;
  }
  interface HTMLElementEventMap {
    'persona-event-delete': CustomEvent<EventDeleteDetail>;
  }
}

const EXCERPT_LENGTH = 40;

@customElement('persona-event-list')
export class PersonaEventList extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    ol {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    li {
      display: grid;
      grid-template-columns: 1fr auto;
      gap: 0.25rem 1rem;
      padding: 0.5rem 0;
      border-top: 1px solid color-mix(in srgb, currentColor 20%, transparent);
    }
    .meta {
      font-size: 0.875rem;
      opacity: 0.8;
    }
    .kind {
      font-weight: 600;
      text-transform: capitalize;
    }
    .text {
      grid-column: 1;
      margin: 0;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    button {
      grid-column: 2;
      grid-row: 1 / span 2;
      align-self: start;
      font: inherit;
    }
    button:focus-visible {
      outline: 3px solid #4a78c2;
      outline-offset: 2px;
    }
  `;

  @property({ attribute: false }) events: readonly HistoryEvent[] = [];

  override render() {
    if (this.events.length === 0) return html`<p>No events yet. Notes you save appear here.</p>`;
    return html`<ol>
      ${repeat(
        this.events,
        (event) => event.id,
        (event) => html`<li>
          <span class="meta"
            ><span class="kind">${event.kind}</span> ·
            <time datetime=${new Date(event.ts).toISOString()}>${new Date(event.ts).toLocaleString()}</time></span
          >
          <p class="text">${event.text === '' ? html`<em>(empty)</em>` : event.text}</p>
          <button type="button" aria-label=${`Delete ${event.kind} “${excerpt(event.text)}”`} @click=${() => { this.#requestDelete(event.id); }}>
            Delete
          </button>
        </li>`,
      )}
    </ol>`;
  }

  #requestDelete(id: string): void {
    this.dispatchEvent(
      new CustomEvent<EventDeleteDetail>('persona-event-delete', { detail: { id }, bubbles: true, composed: true }),
    );
  }
}

function excerpt(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= EXCERPT_LENGTH ? oneLine : `${oneLine.slice(0, EXCERPT_LENGTH - 1)}…`;
}
