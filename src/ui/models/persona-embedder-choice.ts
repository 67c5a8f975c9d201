// Choosing the search model: the bundled offline model, or a MiniLM-class model from a model host this site allows
// (a hub, or a self-hosted mirror in the hub's layout). The engine reads the choice when it opens, so choosing asks
// the app to reopen it; the history is then embedded again in the background and search keeps working meanwhile.
// A model that cannot load leaves the bundled one running, and the status above says why.
import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { EmbedderSetting } from '../../index';
import { fieldStyles, stackedFormStyles } from '../field-styles';
import { PersonaView } from '../persona-view';
import { PERSONA_REOPEN } from '../reopen-event';
import { baseStyles } from '../theme';

declare global {
  interface HTMLElementTagNameMap {
    'persona-embedder-choice': PersonaEmbedderChoice;
  }
}

const DTYPES: readonly EmbedderSetting['dtype'][] = ['q8', 'fp32', 'fp16', 'q4', 'int8', 'uint8'];

@customElement('persona-embedder-choice')
export class PersonaEmbedderChoice extends PersonaView {
  static override styles = [
    baseStyles,
    fieldStyles,
    stackedFormStyles,
    css`
      input[type='text'] {
        width: 100%;
      }
    `,
  ];

  // The choice is a setting: another tab may change it.
  protected readonly watches = ['settings'] as const;
  @state() private choice: EmbedderSetting | undefined;
  @state() private working = false;

  protected async load(persona: NonNullable<PersonaView['persona']>, isCurrent: () => boolean): Promise<void> {
    const choice = await persona.embedder.choice();
    if (isCurrent()) this.choice = choice;
  }

  override render() {
    const choice = this.choice;
    return html`<form @submit=${this.#submit} aria-label="Choose the search model">
      <p>${choice ? html`Chosen: <strong>${choice.model}</strong> from ${choice.remoteHost ?? 'this site'} (${choice.dtype}).` : 'Chosen: the bundled offline model.'}</p>
      <div>
        <label for="embedder-model">Model id</label>
        <input id="embedder-model" name="model" type="text" autocomplete="off" spellcheck="false" placeholder="owner/all-MiniLM-L6-v2" .value=${choice?.model ?? ''} required aria-describedby="embedder-model-help" />
        <p id="embedder-model-help" class="muted">A sentence-embedding model in transformers.js format. Its files download once; your history never leaves this device.</p>
      </div>
      <div>
        <label for="embedder-host">Model host</label>
        <input id="embedder-host" name="host" type="text" inputmode="url" autocomplete="off" spellcheck="false" placeholder="https://models.example.org/" .value=${choice?.remoteHost ?? ''} required />
      </div>
      <div>
        <label for="embedder-dtype">Weights</label>
        <select id="embedder-dtype" name="dtype">
          ${DTYPES.map((dtype) => html`<option value=${dtype} ?selected=${(choice?.dtype ?? 'q8') === dtype}>${dtype}</option>`)}
        </select>
      </div>
      <div class="row">
        <button type="submit" class="primary" ?disabled=${this.working}>Use this model</button>
        ${choice ? html`<button type="button" ?disabled=${this.working} @click=${() => void this.#apply(null)}>Use the bundled model</button>` : nothing}
      </div>
      <div class="alert" role="alert">${this.problem}</div>
    </form>`;
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const text = (name: string) => {
      const value = data.get(name);
      return typeof value === 'string' ? value.trim() : '';
    };
    const host = text('host');
    await this.#apply({ model: text('model'), remoteHost: host.endsWith('/') ? host : `${host}/`, dtype: text('dtype') as EmbedderSetting['dtype'] });
  }

  /** Stores the choice (the engine validates it and names what is wrong), then has the app reopen the engine. */
  async #apply(setting: EmbedderSetting | null): Promise<void> {
    const persona = this.persona;
    if (!persona || this.working) return;
    this.working = true;
    try {
      const chosen = await this.act(async () => {
        this.choice = await persona.embedder.choose(setting);
      });
      if (chosen) this.dispatchEvent(new Event(PERSONA_REOPEN, { bubbles: true, composed: true }));
    } finally {
      this.working = false;
    }
  }
}
