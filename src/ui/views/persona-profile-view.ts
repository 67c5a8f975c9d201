// The Profile view: everything Persona believes about the user as a whole, and the user's say over it. Their explicit
// preferences (which always win), the model's summary (editable; an edit is kept), interests and writing style read
// from the history, and how much Persona leans on the user's own data versus the host's defaults; while it knows
// little, the view says what it does until it knows more.
import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { HistoryEvent } from '../../core/history-event';
import type { Profile } from '../../core/profile';
import type { Persona } from '../../persona';
import { plural } from '../format';
import { PersonaView } from '../persona-view';
import { baseStyles } from '../theme';
import '../profile/persona-interest-chart';
import '../profile/persona-preferences-editor';
import '../profile/persona-profile-summary';
import { COLD_START_EVENTS, describeStyle, isColdStart, storedInterests, storedStyle } from '../profile/profile-words';
import { shareBar, shareBarStyles } from '../profile/share-bar';

declare global {
  interface HTMLElementTagNameMap {
    'persona-profile-view': PersonaProfileView;
  }
}

type PersonaMatch = Awaited<ReturnType<Persona['profile']['granularity']>>;

@customElement('persona-profile-view')
export class PersonaProfileView extends PersonaView {
  static override styles = [
    baseStyles,
    shareBarStyles,
    css`
      section {
        margin-bottom: 1.5rem;
      }
      .match {
        list-style: none;
        padding: 0;
        margin: 0 0 0.5rem;
      }
      .match li {
        display: grid;
        grid-template-columns: minmax(6rem, 35%) 1fr;
        gap: 0.5rem;
        align-items: center;
      }
      ul.style {
        padding-left: 1.25rem;
      }
    `,
  ];
  protected readonly watches = ['profile', 'events'] as const;

  @state() private profile: Profile | undefined;
  @state() private match: PersonaMatch | undefined;
  @state() private summarySources: (HistoryEvent | undefined)[] = [];
  @state() private updatingInsights = false;
  @state() private insightsOutcome = '';

  protected async load(persona: Persona, isCurrent: () => boolean): Promise<void> {
    const [profile, match] = await Promise.all([persona.profile.get(), persona.profile.granularity()]);
    const sources = profile.summary ? await persona.events.get(profile.summary.sourceEventIds.slice(0, 5)) : [];
    if (!isCurrent()) return;
    this.profile = profile;
    this.match = match;
    this.summarySources = sources;
  }

  override render() {
    const profile = this.profile;
    return html`
      <h2>Profile</h2>
      <div class="alert" role="alert">${this.problem}</div>
      ${profile ? this.#renderProfile(profile) : html`<p role="status">Reading your profile…</p>`}
    `;
  }

  #renderProfile(profile: Profile) {
    return html`
      ${this.#renderColdStart()}
      <section aria-labelledby="preferences-title">
        <h3 id="preferences-title">Your preferences</h3>
        <p class="muted">What you tell Persona outright. These always come first, over anything it infers.</p>
        <persona-preferences-editor .persona=${this.persona} .preferences=${profile.preferences}></persona-preferences-editor>
      </section>
      <section aria-labelledby="summary-title">
        <h3 id="summary-title">Summary</h3>
        <persona-profile-summary .persona=${this.persona} .summary=${profile.summary} .sources=${this.summarySources} .model=${this.status?.model}></persona-profile-summary>
      </section>
      <section aria-labelledby="interests-title">
        <h3 id="interests-title">Interests</h3>
        ${this.#renderInterests(profile)}
      </section>
      <section aria-labelledby="style-title">
        <h3 id="style-title">How you write</h3>
        ${this.#renderStyle(profile)}
      </section>
      <section aria-labelledby="match-title">
        <h3 id="match-title">Persona match</h3>
        ${this.#renderMatch()}
      </section>
    `;
  }

  #renderColdStart() {
    const match = this.match;
    if (!match) return nothing;
    const userWeight = match.weights.find((weight) => weight.level === 'user')?.weight;
    if (!isColdStart(match.events, userWeight)) return nothing;
    const hasPriors = match.weights.some((weight) => weight.level !== 'user');
    return html`<section class="card" aria-labelledby="cold-start-title">
      <h3 id="cold-start-title">Persona is still getting to know you</h3>
      <p>It has ${plural(match.events, 'event')} of your history so far; it needs about ${COLD_START_EVENTS} before its picture of you means much. Until then:</p>
      <ul>
        <li>Your preferences below are followed exactly, from the first answer on.</li>
        <li>${hasPriors
          ? 'Answers lean on the defaults this site set for people like you; your own history counts more with every event.'
          : 'Answers stay general: it does not guess at what it has not seen.'}</li>
        <li>Interests, writing style and the summary appear once there is enough history to read them from.</li>
      </ul>
      <p>Every note, chat, rating or click teaches it more. All of it stays on this device.</p>
    </section>`;
  }

  #renderInterests(profile: Profile) {
    const interests = storedInterests(profile.traits);
    const pending = this.status?.intelligence.pending ?? 0;
    return html`
      ${interests.length === 0
        ? html`<p class="muted">No interests yet. They are read from topics you come back to in your history once it has been understood on this device; press Update insights after recording more.</p>`
        : html`<persona-interest-chart .interests=${interests}></persona-interest-chart>`}
      ${pending > 0 ? html`<p class="muted">${plural(pending, 'event')} still being understood on this device; update insights once that is done to include them.</p>` : nothing}
      <div class="row">
        <button type="button" @click=${this.#updateInsights} ?disabled=${this.updatingInsights}>Update insights</button>
        ${this.updatingInsights ? html`<progress aria-label="Updating insights"></progress>` : nothing}
      </div>
      <p role="status">${this.updatingInsights ? 'Reading your history for interests and style…' : this.insightsOutcome}</p>
    `;
  }

  #renderStyle(profile: Profile) {
    const lines = describeStyle(storedStyle(profile.traits));
    if (lines.length === 0) return html`<p class="muted">Not known yet: it is read from your own messages and notes when insights are updated.</p>`;
    return html`<ul class="style">
      ${lines.map((line) => html`<li>${line}</li>`)}
    </ul>`;
  }

  #renderMatch() {
    const match = this.match;
    if (!match) return nothing;
    return html`
      <p class="muted">How much your answers draw on your own history, compared with the defaults this site provides.</p>
      <ul class="match" aria-label="Persona match">
        ${match.weights.map((weight) => html`<li><span>${weight.label === 'you' ? 'You' : weight.label}</span>${shareBar(weight.weight)}</li>`)}
      </ul>
      <p>${match.described}, from ${plural(match.events, 'event')} of your history.</p>
      ${match.weights.every((weight) => weight.level === 'user')
        ? html`<p class="muted">This site sets no defaults for its visitors, so everything Persona uses comes from you.</p>`
        : nothing}
    `;
  }

  async #updateInsights(): Promise<void> {
    const persona = this.persona;
    if (!persona) return;
    this.updatingInsights = true;
    this.insightsOutcome = '';
    const done = await this.act(async () => {
      const insights = await persona.profile.updateInsights();
      this.insightsOutcome = `Insights updated: ${plural(insights.interests.length, 'interest')} found.`;
    });
    if (!done) this.insightsOutcome = '';
    this.updatingInsights = false;
  }
}
