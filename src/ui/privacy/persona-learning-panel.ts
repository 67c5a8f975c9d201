// What Persona learns from: pausing all learning (nothing is recorded, chats included, until it resumes) and opting
// out of single sources (a site's widget, the app itself), optionally deleting what a source already recorded.
import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { Persona } from '../../index';
import { plural } from '../format';
import { PersonaView } from '../persona-view';
import { baseStyles } from '../theme';
import { panelStyles } from './privacy-styles';

declare global {
  interface HTMLElementTagNameMap {
    'persona-learning-panel': PersonaLearningPanel;
  }
}

interface SourceRow {
  source: string;
  blocked: boolean;
  /** Whether it still has events in the history. */
  recorded: boolean;
}

@customElement('persona-learning-panel')
export class PersonaLearningPanel extends PersonaView {
  static override styles = [
    baseStyles,
    panelStyles,
    css`
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.5rem;
      }
      li {
        overflow-wrap: anywhere;
      }
      .source {
        font-family: var(--persona-mono);
      }
      .state {
        font-weight: 600;
      }
      .paused {
        color: var(--persona-danger);
      }
    `,
  ];

  protected readonly watches = ['events', 'settings'] as const;
  @state() private sources: readonly SourceRow[] | undefined;
  @state() private deleteRecorded = false;
  @state() private notice = '';

  protected async load(persona: Persona, isCurrent: () => boolean): Promise<void> {
    const [recorded, blocked] = await Promise.all([persona.sources.recorded(), persona.sources.blocked()]);
    if (!isCurrent()) return;
    const names = [...new Set([...recorded, ...blocked])].sort();
    this.sources = names.map((source) => ({ source, blocked: blocked.includes(source), recorded: recorded.includes(source) }));
  }

  override render() {
    const paused = this.status?.paused ?? false;
    return html`<h3 id="learning-heading">Learning</h3>
      <p id="learning-state" class=${paused ? 'state paused' : 'state'}>
        ${paused ? 'Learning is paused: nothing you do is recorded, chats included.' : 'Learning is on: what you do here and on sites that use Persona is recorded on this device.'}
      </p>
      <button type="button" aria-pressed=${paused ? 'true' : 'false'} @click=${this.#togglePause}>${paused ? 'Resume learning' : 'Pause learning'}</button>
      <h3 id="sources-heading">Sources</h3>
      <p class="muted">Stop learning from a source to record nothing more from it.</p>
      <div><input id="delete-recorded" type="checkbox" .checked=${this.deleteRecorded} @change=${(event: Event) => { this.deleteRecorded = (event.target as HTMLInputElement).checked; }} /> <label class="check" for="delete-recorded">When I stop a source, also delete what it recorded</label></div>
      ${this.#renderSources()}
      <p role="status">${this.notice}</p>
      <div class="alert" role="alert">${this.problem}</div>`;
  }

  #renderSources() {
    if (!this.sources) return html`<p role="status">Reading the sources…</p>`;
    if (this.sources.length === 0) return html`<p>Nothing has been recorded yet, so there are no sources to list.</p>`;
    return html`<ul aria-labelledby="sources-heading">
      ${this.sources.map(
        (row) => html`<li class="row">
          <span class="source">${row.source}</span>
          <span class="muted">${row.blocked ? 'not learning from it' : 'learning from it'}${row.recorded ? '' : '; nothing of it is left in the history'}</span>
          <button type="button" class=${row.blocked ? nothing : 'danger'} @click=${() => this.#setBlocked(row.source, !row.blocked)}>
            ${row.blocked ? `Learn from ${row.source} again` : `Stop learning from ${row.source}`}
          </button>
        </li>`,
      )}
    </ul>`;
  }

  async #togglePause(): Promise<void> {
    const persona = this.persona;
    if (!persona) return;
    // The app's status feed redraws the state; the answer is shown at once in case the feed lags.
    await this.act(async () => {
      this.status = await (this.status?.paused ? persona.resume() : persona.pause());
    });
  }

  async #setBlocked(source: string, blocked: boolean): Promise<void> {
    const persona = this.persona;
    if (!persona) return;
    const deleteRecorded = blocked && this.deleteRecorded;
    const outcome: { deleted?: number } = {};
    const done = await this.act(async () => {
      const removed = await persona.sources.setBlocked(source, blocked, { deleteRecorded });
      outcome.deleted = removed?.deleted.length ?? 0;
    });
    if (!done) return;
    this.notice = blocked
      ? `Stopped learning from ${source}${deleteRecorded ? `; ${plural(outcome.deleted ?? 0, 'event')} it recorded deleted` : ''}.`
      : `Learning from ${source} again.`;
    this.reload();
  }
}
