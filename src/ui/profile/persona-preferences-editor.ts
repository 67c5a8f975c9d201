// The user's explicit preferences: what they told Persona outright, which always wins over anything inferred. Each
// can be changed or removed in place, and a new one added; a refused key or value is shown by its named error and
// the typed text stays to be corrected.
import { css, html, LitElement } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Preference, Profile } from '../../core/profile';
import type { Persona } from '../../persona';
import { ChangeRunner } from '../change-runner';
import { formatDateTime } from '../format';
import { baseStyles } from '../theme';

declare global {
  interface HTMLElementTagNameMap {
    'persona-preferences-editor': PersonaPreferencesEditor;
  }
}

@customElement('persona-preferences-editor')
export class PersonaPreferencesEditor extends LitElement {
  static override styles = [
    baseStyles,
    css`
      ul {
        list-style: none;
        padding: 0;
        margin: 0 0 0.75rem;
      }
      li {
        padding: 0.5rem 0;
        border-bottom: 1px solid var(--persona-border);
      }
      .key {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .value {
        overflow-wrap: anywhere;
      }
      form {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr));
        gap: 0.5rem;
        align-items: end;
      }
      form label {
        display: grid;
        gap: 0.25rem;
      }
      label > input {
        font-weight: normal;
      }
    `,
  ];

  @property({ attribute: false }) persona: Persona | undefined;
  @property({ attribute: false }) preferences: Record<string, Preference> = {};
  /** The key whose value is being edited in place. */
  @state() private editing: string | undefined;
  readonly #changes = new ChangeRunner(this);

  override render() {
    const entries = Object.entries(this.preferences).sort(([a], [b]) => a.localeCompare(b));
    return html`
      ${entries.length === 0
        ? html`<p class="muted">No preferences yet. Add what Persona should always respect, e.g. diet → vegetarian.</p>`
        : html`<ul aria-label="Your preferences">
            ${entries.map(([key, preference]) => this.#renderPreference(key, preference))}
          </ul>`}
      <form @submit=${this.#add} aria-label="Add a preference">
        <label>Preference name<input name="key" required maxlength="64" autocomplete="off" placeholder="e.g. diet" /></label>
        <label>Value<input name="value" required maxlength="2000" autocomplete="off" placeholder="e.g. vegetarian" /></label>
        <button type="submit" class="primary" ?disabled=${this.#changes.busy}>Add preference</button>
      </form>
      <div class="alert" role="alert">${this.#changes.problem}</div>
    `;
  }

  #renderPreference(key: string, preference: Preference) {
    if (this.editing === key) {
      return html`<li>
        <form @submit=${(event: SubmitEvent) => this.#save(event, key)} @keydown=${this.#cancelOnEscape} aria-label=${`Change ${key}`}>
          <label>${key}<input name="value" .value=${preference.value} maxlength="2000" autocomplete="off" /></label>
          <div class="row">
            <button type="submit" class="primary" ?disabled=${this.#changes.busy}>Save ${key}</button>
            <button type="button" @click=${() => this.#stopEditing(key)}>Cancel</button>
          </div>
        </form>
      </li>`;
    }
    return html`<li>
      <div class="row">
        <span class="key">${key}</span><span aria-hidden="true">→</span><span class="value">${preference.value}</span>
      </div>
      <div class="row">
        <span class="muted">Set ${formatDateTime(preference.updatedAt)}</span>
        <button type="button" data-edit=${key} @click=${() => this.#startEditing(key)} aria-label=${`Edit preference ${key}`}>Edit</button>
        <button type="button" class="danger" @click=${() => this.#remove(key)} ?disabled=${this.#changes.busy} aria-label=${`Remove preference ${key}`}>Remove</button>
      </div>
    </li>`;
  }

  async #startEditing(key: string): Promise<void> {
    this.editing = key;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('li input[name="value"]')?.focus();
  }

  async #stopEditing(key: string): Promise<void> {
    this.editing = undefined;
    this.#changes.clear();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>(`button[data-edit="${CSS.escape(key)}"]`)?.focus();
  }

  #cancelOnEscape(event: KeyboardEvent): void {
    if (event.key === 'Escape' && this.editing !== undefined) void this.#stopEditing(this.editing);
  }

  async #add(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const key = (form.elements.namedItem('key') as HTMLInputElement).value.trim();
    const value = (form.elements.namedItem('value') as HTMLInputElement).value.trim();
    if (await this.#run((persona) => persona.profile.setPreference(key, value))) {
      form.reset();
      (form.elements.namedItem('key') as HTMLInputElement).focus();
    }
  }

  async #save(event: SubmitEvent, key: string): Promise<void> {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem('value') as HTMLInputElement;
    if (await this.#run((persona) => persona.profile.setPreference(key, input.value.trim()))) await this.#stopEditing(key);
  }

  async #remove(key: string): Promise<void> {
    const list = [...this.renderRoot.querySelectorAll('li')];
    const index = list.findIndex((item) => item.querySelector(`button[data-edit="${CSS.escape(key)}"]`));
    if (!(await this.#run((persona) => persona.profile.removePreference(key)))) return;
    // Focus would fall to the page once the row is gone: keep it in the list, on the next row or the form.
    await this.updateComplete;
    const buttons = [...this.renderRoot.querySelectorAll<HTMLButtonElement>('button[data-edit]')];
    (buttons[Math.min(index, buttons.length - 1)] ?? this.renderRoot.querySelector<HTMLInputElement>('input[name="key"]'))?.focus();
  }

  /** Runs a change and shows its result at once (the view's reload on the change feed brings the same). */
  async #run(change: (persona: Persona) => Promise<Profile>): Promise<boolean> {
    const persona = this.persona;
    if (!persona) return false;
    return this.#changes.run(async () => {
      this.preferences = (await change(persona)).preferences;
    });
  }
}
