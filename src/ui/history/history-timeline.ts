// The history as one long, virtualized list: only the rows near the viewport are in the DOM, so 100,000 loaded
// events scroll like 100. It asks for the next page when the visible range nears the end of what is loaded; the view
// owns the data and the actions.
import '@lit-labs/virtualizer';
import type { RangeChangedEvent } from '@lit-labs/virtualizer/events.js';
import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { HistoryEvent } from '../../core/history-event';
import { baseStyles } from '../theme';
import { eventRowStyles, renderEventRow } from './event-row';

export interface EventSelectDetail {
  event: HistoryEvent;
  selected: boolean;
}

declare global {
  interface HTMLElementTagNameMap {
    'persona-history-timeline': PersonaHistoryTimeline;
  }
  interface HTMLElementEventMap {
    'persona-need-more': CustomEvent<void>;
    'persona-event-select': CustomEvent<EventSelectDetail>;
    'persona-event-delete': CustomEvent<HistoryEvent>;
  }
}

/** How close to the last loaded row the visible range may come before the next page is read. */
const LOOKAHEAD = 30;

@customElement('persona-history-timeline')
export class PersonaHistoryTimeline extends LitElement {
  static override styles = [
    baseStyles,
    eventRowStyles,
    css`
      lit-virtualizer {
        width: 100%;
      }
    `,
  ];

  @property({ attribute: false }) rows: readonly HistoryEvent[] = [];
  @property({ attribute: false }) selected: ReadonlySet<string> = new Set();
  /** Whether every matching event is loaded (then scrolling asks for nothing more). */
  @property({ type: Boolean }) complete = false;

  override render() {
    return html`<lit-virtualizer
      role="list"
      aria-label="Your history, newest first"
      .items=${this.rows}
      .keyFunction=${(event: HistoryEvent) => event.id}
      .renderItem=${(event: HistoryEvent) =>
        renderEventRow(event, {
          selected: this.selected.has(event.id),
          onSelect: (target, selected) => { this.#emit('persona-event-select', { event: target, selected }); },
          onDelete: (target) => { this.#emit('persona-event-delete', target); },
        })}
      @rangeChanged=${this.#onRange}
    ></lit-virtualizer>`;
  }

  #onRange(event: RangeChangedEvent): void {
    if (!this.complete && event.last >= this.rows.length - LOOKAHEAD) this.#emit('persona-need-more', undefined);
  }

  #emit(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}
