// One event as the timeline and the linked-event panel show it: kind, time, source, its text clipped to a few
// lines, whether search by meaning knows it yet, and the controls to select or delete it, named after the event so a
// screen reader user knows which one they act on.
import { css, html, nothing } from 'lit';
import type { EmbedState, HistoryEvent } from '../../core/history-event';
import { formatDateTime } from '../format';

const EXCERPT_LENGTH = 40;

const EMBED_WORDS: Readonly<Record<EmbedState, string>> = {
  pending: 'pending',
  done: 'embedded',
  failed: 'failed',
  skipped: 'skipped',
};

/** How a control names its event: 'note “Prefers oat milk…”', or its time when it has no text. */
export function eventName(event: HistoryEvent): string {
  const oneLine = event.text.replace(/\s+/g, ' ').trim();
  if (oneLine === '') return `${event.kind} of ${formatDateTime(event.ts)}`;
  return `${event.kind} “${oneLine.length <= EXCERPT_LENGTH ? oneLine : `${oneLine.slice(0, EXCERPT_LENGTH - 1)}…`}”`;
}

export interface EventRowOptions {
  /** Absent: the row has no selection checkbox. */
  selected?: boolean;
  onSelect?: (event: HistoryEvent, selected: boolean) => void;
  onDelete: (event: HistoryEvent) => void;
  highlighted?: boolean;
}

export function renderEventRow(event: HistoryEvent, options: EventRowOptions) {
  const name = eventName(event);
  return html`<div class="event ${options.highlighted ? 'highlighted' : ''}" role="listitem" data-id=${event.id}>
    ${options.selected === undefined
      ? nothing
      : html`<input type="checkbox" class="select" aria-label=${`Select ${name}`} .checked=${options.selected}
          @change=${(e: Event) => { options.onSelect?.(event, (e.target as HTMLInputElement).checked); }} />`}
    <div class="body">
      <div class="meta">
        <span class="kind">${event.kind}</span>
        <time datetime=${new Date(event.ts).toISOString()}>${formatDateTime(event.ts)}</time>
        <span class="source">from ${event.source}</span>
        <span class="badge embed-${event.embedState}"><span class="visually-hidden">Search by meaning: </span>${EMBED_WORDS[event.embedState]}</span>
      </div>
      <p class="text">${event.text === '' ? html`<em>(no text)</em>` : event.text}</p>
    </div>
    <button type="button" class="danger delete" aria-label=${`Delete ${name}`} @click=${() => { options.onDelete(event); }}>Delete</button>
  </div>`;
}

export const eventRowStyles = css`
  .event {
    display: grid;
    grid-template-columns: auto minmax(0, 1fr) auto;
    gap: 0.25rem 0.75rem;
    align-items: start;
    width: 100%;
    box-sizing: border-box;
    padding: 0.5rem 0.25rem;
    border-top: 1px solid var(--persona-border);
  }
  .event.highlighted {
    border: 2px solid var(--persona-accent);
    border-radius: var(--persona-radius);
    padding: 0.5rem;
  }
  .select {
    width: 1.25rem;
    height: 1.25rem;
    margin: 0.25rem 0 0;
  }
  .body {
    grid-column: 2;
    min-width: 0;
  }
  .delete {
    grid-column: 3;
  }
  .meta {
    display: flex;
    flex-wrap: wrap;
    gap: 0 0.75rem;
    font-size: 0.875rem;
    color: var(--persona-muted);
  }
  .kind {
    font-weight: 600;
    color: var(--persona-fg);
    text-transform: capitalize;
  }
  .text {
    margin: 0.125rem 0 0;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    display: -webkit-box;
    -webkit-box-orient: vertical;
    -webkit-line-clamp: 3;
    line-clamp: 3;
    overflow: hidden;
  }
  .badge {
    border: 1px solid currentColor;
    border-radius: 999px;
    padding: 0 0.5rem;
  }
  .embed-done {
    color: var(--persona-ok);
  }
  .embed-failed {
    color: var(--persona-danger);
  }
`;
