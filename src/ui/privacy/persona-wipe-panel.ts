// Deletes everything Persona keeps on this device. The user types the words first, so no stray click or key can do
// it. The engine closes with the data, so the panel tells the app (PERSONA_WIPED) to open a fresh one.
import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { PersonaView } from '../persona-view';
import { baseStyles } from '../theme';
import { panelStyles } from './privacy-styles';
import { PERSONA_WIPED } from './wiped-event';

declare global {
  interface HTMLElementTagNameMap {
    'persona-wipe-panel': PersonaWipePanel;
  }
}

/** What the user types to confirm. */
export const WIPE_PHRASE = 'delete everything';

@customElement('persona-wipe-panel')
export class PersonaWipePanel extends PersonaView {
  static override styles = [baseStyles, panelStyles];

  protected readonly watches = [] as const;
  @state() private typed = '';
  @state() private wiping = false;

  protected async load(): Promise<void> {
    // Nothing to show: the wipe is an action only.
  }

  override render() {
    const confirmed = this.typed.trim().toLowerCase() === WIPE_PHRASE;
    return html`<h3 id="wipe-heading">Delete everything</h3>
      <p>
        Deletes your history, memories, profile, settings, search index and downloaded models from this browser. It cannot be undone: export first to
        keep a copy.
      </p>
      <form @submit=${this.#wipe} aria-labelledby="wipe-heading">
        <div>
          <label for="wipe-confirm">Type “${WIPE_PHRASE}” to confirm</label>
          <input id="wipe-confirm" type="text" autocomplete="off" spellcheck="false" .value=${this.typed} @input=${(event: Event) => { this.typed = (event.target as HTMLInputElement).value; }} />
        </div>
        <div class="row"><button type="submit" class="danger" ?disabled=${!confirmed || this.wiping}>Delete everything</button></div>
      </form>
      ${this.wiping ? html`<progress aria-label="Deleting everything"></progress>` : nothing}
      <p role="status">${this.wiping ? 'Deleting everything…' : ''}</p>
      <div class="alert" role="alert">${this.problem}</div>`;
  }

  async #wipe(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const persona = this.persona;
    if (!persona || this.wiping || this.typed.trim().toLowerCase() !== WIPE_PHRASE) return;
    this.wiping = true;
    try {
      if (await this.act(() => persona.wipe())) {
        this.typed = '';
        this.dispatchEvent(new Event(PERSONA_WIPED, { bubbles: true, composed: true }));
      }
    } finally {
      this.wiping = false;
    }
  }
}
