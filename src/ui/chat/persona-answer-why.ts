// "Why this answer": every piece of the user's data the prompt carried, grouped by where it came from, each with the
// tokens it took and whether it was shortened to fit, linked to the view that shows (and can change or delete) it;
// and, on request, the exact prompt the model received. Texts are read only when the panel is opened, and always
// shown as text: a stored note that holds markup stays the characters it is.
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Answer, HistoryEvent, Memory, ProvenanceItem } from '../../index';
import type { Persona } from '../../persona';
import { describeError } from '../describe-error';
import { formatDate, plural } from '../format';
import { baseStyles } from '../theme';
import { excerpt } from './excerpt';

declare global {
  interface HTMLElementTagNameMap {
    'persona-answer-why': PersonaAnswerWhy;
  }
}

type ProvenanceKind = ProvenanceItem['kind'];

/** The groups in the order the prompt composer gives them priority. */
const GROUPS: readonly { kind: ProvenanceKind; heading: string }[] = [
  { kind: 'preference', heading: 'Your preferences' },
  { kind: 'memory', heading: 'Memories' },
  { kind: 'summary', heading: 'Your profile summary' },
  { kind: 'prior', heading: 'Defaults for people like you' },
  { kind: 'event', heading: 'From your history' },
];

@customElement('persona-answer-why')
export class PersonaAnswerWhy extends LitElement {
  static override styles = [
    baseStyles,
    css`
      details {
        margin-top: 0.5rem;
      }
      summary {
        cursor: pointer;
        color: var(--persona-accent);
        width: fit-content;
      }
      h4 {
        margin: 0.75rem 0 0.25rem;
        font-size: 1rem;
      }
      ul,
      ol {
        margin: 0;
        padding-left: 1.25rem;
      }
      li {
        margin: 0.25rem 0;
        overflow-wrap: anywhere;
      }
      .meta {
        font-size: 0.875rem;
      }
      pre {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        margin: 0.25rem 0 0.75rem;
        padding: 0.5rem;
        background: var(--persona-bg);
        border: 1px solid var(--persona-border);
        border-radius: var(--persona-radius);
        font-family: var(--persona-mono);
        font-size: 0.8125rem;
        max-height: 24rem;
        overflow: auto;
      }
      .role {
        font-weight: 600;
      }
    `,
  ];

  @property({ attribute: false }) persona: Persona | undefined;
  @property({ attribute: false }) answer: Pick<Answer, 'provenance' | 'prompt'> | undefined;
  @state() private events: ReadonlyMap<string, HistoryEvent | undefined> = new Map();
  @state() private memories: ReadonlyMap<string, Memory> = new Map();
  @state() private phase: 'closed' | 'reading' | 'read' = 'closed';
  @state() private problem = '';

  override render() {
    const provenance = this.answer?.provenance ?? [];
    return html`<details @toggle=${this.#onToggle}>
      <summary>Why this answer</summary>
      ${provenance.length === 0
        ? html`<p class="muted">None of your data went into this answer's prompt.</p>`
        : html`<p class="muted">${plural(provenance.length, 'piece')} of your data went into the prompt.</p>`}
      <div class="alert" role="alert">${this.problem}</div>
      ${this.phase === 'reading' ? html`<p class="muted" role="status">Reading the sources…</p>` : nothing}
      ${GROUPS.map(({ kind, heading }) => {
        const items = provenance.filter((item) => item.kind === kind);
        if (items.length === 0) return nothing;
        return html`<h4>${heading}</h4>
          <ul>
            ${items.map((item) => html`<li>${this.#renderItem(item)} <span class="meta muted">${this.#cost(item)}</span></li>`)}
          </ul>`;
      })}
      ${this.#renderPrompt()}
    </details>`;
  }

  #renderItem(item: ProvenanceItem) {
    switch (item.kind) {
      case 'preference':
        return html`<a href="#profile">Preference “${item.id}”</a>`;
      case 'memory': {
        const memory = this.memories.get(item.id);
        return html`<a href=${`#memories/${item.id}`}>${memory ? excerpt(memory.text) : this.#pending('A memory')}</a>`;
      }
      case 'summary':
        return html`<a href="#profile">The summary of you</a>`;
      case 'prior': {
        // A prior's id is '<level>:<preference key>' (see the prompt composer).
        const key = item.id.slice(item.id.indexOf(':') + 1);
        return html`<span>Default for “${key}”, not set by you</span>`;
      }
      case 'event': {
        const event = this.events.get(item.id);
        const label = event ? `${event.kind} · ${formatDate(event.ts)}: ` : '';
        return html`<a href=${`#history/${item.id}`}>${label}${event ? excerpt(event.text) : this.#pending('An event')}</a>`;
      }
    }
  }

  #pending(what: string): string {
    if (this.phase !== 'read') return `${what} (reading…)`;
    return `${what} that has since been deleted`;
  }

  #cost(item: ProvenanceItem): string {
    const parts = [plural(item.tokens, 'token')];
    if (item.trimmed) parts.push('shortened to fit');
    if (item.context && item.context.length > 0) parts.push(`with ${plural(item.context.length, 'neighbouring turn')}`);
    return `(${parts.join(', ')})`;
  }

  #renderPrompt() {
    const prompt = this.answer?.prompt ?? [];
    return html`<details class="prompt">
      <summary>Show the exact prompt</summary>
      <ol>
        ${prompt.map((message) => html`<li><span class="role">${message.role}</span><pre>${message.content}</pre></li>`)}
      </ol>
    </details>`;
  }

  #onToggle(event: Event): void {
    // Both <details> fire toggle; only the panel's own opening reads the sources, and only once.
    if (event.target !== event.currentTarget || !(event.currentTarget as HTMLDetailsElement).open) return;
    if (this.phase === 'closed') void this.#read();
  }

  async #read(): Promise<void> {
    const persona = this.persona;
    const provenance = this.answer?.provenance ?? [];
    if (!persona) return;
    this.phase = 'reading';
    const eventIds = provenance.filter((item) => item.kind === 'event').map((item) => item.id);
    const wantsMemories = provenance.some((item) => item.kind === 'memory');
    try {
      const [events, memories] = await Promise.all([
        eventIds.length > 0 ? persona.events.get(eventIds) : Promise.resolve([]),
        wantsMemories ? persona.memories.list() : Promise.resolve([]),
      ]);
      this.events = new Map(eventIds.map((id, i) => [id, events[i]]));
      this.memories = new Map(memories.map((memory) => [memory.id, memory]));
      this.problem = '';
      this.phase = 'read';
    } catch (error) {
      this.problem = `The sources could not be read: ${describeError(error)}. Close this panel and open it again to retry.`;
      this.phase = 'closed';
    }
  }
}
