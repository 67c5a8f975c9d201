// How much this device keeps and may keep: the history's size, the site's usage and quota, whether the browser
// promised to keep the data under storage pressure (and asking it to), and the retention policy that deletes the
// oldest, least valuable events past a limit.
import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { Persona, RetentionPolicy } from '../../index';
import { formatBytes, plural } from '../format';
import { PersonaView } from '../persona-view';
import { baseStyles } from '../theme';
import { panelStyles } from './privacy-styles';
import { fieldsOf, policyOf, type RetentionFields } from './retention-form';

declare global {
  interface HTMLElementTagNameMap {
    'persona-storage-panel': PersonaStoragePanel;
  }
}

type Usage = Awaited<ReturnType<Persona['storage']['usage']>>;

@customElement('persona-storage-panel')
export class PersonaStoragePanel extends PersonaView {
  static override styles = [baseStyles, panelStyles];

  protected readonly watches = ['events', 'settings'] as const;
  @state() private usage: Usage | undefined;
  @state() private persisted: boolean | undefined;
  @state() private persistAnswer = '';
  @state() private policy: RetentionPolicy | undefined;
  @state() private fields: RetentionFields = fieldsOf(undefined);
  @state() private retentionNotice = '';

  protected async load(persona: Persona, isCurrent: () => boolean): Promise<void> {
    const [usage, policy, persisted] = await Promise.all([
      persona.storage.usage(),
      persona.storage.retention(),
      persona.storage.persisted().catch(() => undefined),
    ]);
    if (!isCurrent()) return;
    this.usage = usage;
    this.persisted = persisted;
    // A policy changed elsewhere (another tab) shows here, unless the user is editing this one.
    if (JSON.stringify(policy) !== JSON.stringify(this.policy)) this.fields = fieldsOf(policy);
    this.policy = policy;
  }

  override render() {
    return html`<h3 id="storage-heading">Storage on this device</h3>
      ${this.#renderUsage()}
      <p id="persistence">${this.#describePersistence()}</p>
      ${this.persisted ? nothing : html`<button type="button" @click=${this.#persist}>Ask the browser to keep my data</button>`}
      <p role="status">${this.persistAnswer}</p>
      <h3 id="retention-heading">Retention</h3>
      <p class="muted">
        Past a limit, the oldest events you only viewed or clicked go first, then ratings, then what you wrote; events a pinned memory rests on are
        kept. With no limit, nothing is deleted for space.
      </p>
      <form @submit=${this.#saveRetention} aria-labelledby="retention-heading">
        <div>
          <label for="max-events">Keep at most (events)</label>
          <input id="max-events" type="number" min="1" step="1" inputmode="numeric" placeholder="no limit" .value=${this.fields.maxEvents} @input=${(event: Event) => { this.fields = { ...this.fields, maxEvents: (event.target as HTMLInputElement).value }; }} />
        </div>
        <div>
          <label for="max-megabytes">Size limit (MB)</label>
          <input id="max-megabytes" type="number" min="0.01" step="any" placeholder="no limit" .value=${this.fields.maxMegabytes} @input=${(event: Event) => { this.fields = { ...this.fields, maxMegabytes: (event.target as HTMLInputElement).value }; }} />
        </div>
        <div class="row">
          <button type="submit" class="primary">Save retention</button>
          ${this.policy ? html`<button type="button" @click=${this.#turnOff}>Remove limits</button>` : nothing}
        </div>
      </form>
      <p role="status">${this.retentionNotice}</p>
      <div class="alert" role="alert">${this.problem}</div>`;
  }

  #renderUsage() {
    const usage = this.usage;
    if (!usage) return html`<p role="status">Measuring…</p>`;
    const site =
      usage.usageBytes === undefined
        ? 'The browser does not say how much this site uses.'
        : `This site uses ${formatBytes(usage.usageBytes)} in all (models and caches included)${usage.quotaBytes === undefined ? '.' : ` of the ${formatBytes(usage.quotaBytes)} the browser allows it.`}`;
    return html`<p id="usage">Your history: ${plural(usage.events, 'event')}, ${formatBytes(usage.eventBytes)}. ${site}</p>`;
  }

  #describePersistence(): string {
    if (this.persisted === undefined) return 'This browser does not say whether it keeps your data when space runs low.';
    return this.persisted
      ? 'The browser keeps your data even when space runs low: only you can delete it.'
      : 'The browser may delete this site’s data when space runs low (it asks first only in some browsers).';
  }

  async #persist(): Promise<void> {
    const persona = this.persona;
    if (!persona) return;
    const answer: { granted?: boolean } = {};
    if (!(await this.act(async () => (answer.granted = await persona.storage.persist())))) return;
    const granted = answer.granted === true;
    this.persisted = granted;
    this.persistAnswer = granted
      ? 'The browser agreed: it will keep your data when space runs low.'
      : 'The browser declined for now. Browsers decide from how you use a site: bookmarking or installing it usually helps. Ask again later.';
  }

  async #saveRetention(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const policy = policyOf(this.fields);
    if (typeof policy === 'string') {
      this.problem = policy;
      return;
    }
    await this.#apply(policy);
  }

  async #turnOff(): Promise<void> {
    this.fields = fieldsOf(undefined);
    await this.#apply(undefined);
  }

  async #apply(policy: RetentionPolicy | undefined): Promise<void> {
    const persona = this.persona;
    if (!persona) return;
    this.retentionNotice = '';
    const removed: { count?: number } = {};
    const saved = await this.act(async () => {
      removed.count = (await persona.storage.setRetention(policy)).deleted.length;
    });
    if (!saved) return;
    const deleted = removed.count ?? 0;
    this.policy = policy;
    this.retentionNotice = policy
      ? `Retention saved${deleted > 0 ? `: ${plural(deleted, 'old event')} deleted to meet it` : ': nothing needed deleting now'}.`
      : 'Limits removed: nothing is deleted for space.';
  }
}
