// Export: everything Persona keeps about the user as one file they own (docs/export-format.md), optionally sealed
// with a passphrase (AES-GCM; without it the file cannot be read or imported).
import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { formatBytes } from '../format';
import { PersonaView } from '../persona-view';
import { baseStyles } from '../theme';
import { exportFileName, saveFile } from './export-file';
import { panelStyles } from './privacy-styles';

declare global {
  interface HTMLElementTagNameMap {
    'persona-export-panel': PersonaExportPanel;
  }
}

@customElement('persona-export-panel')
export class PersonaExportPanel extends PersonaView {
  static override styles = [baseStyles, panelStyles];

  protected readonly watches = [] as const;
  @state() private encrypt = false;
  @state() private working = false;
  @state() private notice = '';

  protected async load(): Promise<void> {
    // Nothing to show before the user exports.
  }

  override render() {
    return html`<h3 id="export-heading">Export your data</h3>
      <p class="muted">One file with your history, memories, profile and settings, to keep or to import in another browser.</p>
      <form @submit=${this.#export} aria-labelledby="export-heading">
        <div><input id="export-encrypt" type="checkbox" .checked=${this.encrypt} @change=${(event: Event) => { this.encrypt = (event.target as HTMLInputElement).checked; }} /> <label class="check" for="export-encrypt">Protect the file with a passphrase</label></div>
        ${this.encrypt
          ? html`<div>
                <label for="export-passphrase">Passphrase</label>
                <input id="export-passphrase" name="passphrase" type="password" autocomplete="new-password" required minlength="8" aria-describedby="export-passphrase-help" />
                <p id="export-passphrase-help" class="muted">At least 8 characters. Without it the file cannot be opened: Persona cannot recover it.</p>
              </div>
              <div>
                <label for="export-passphrase-again">Passphrase again</label>
                <input id="export-passphrase-again" name="again" type="password" autocomplete="new-password" required />
              </div>`
          : nothing}
        <div><input id="export-vectors" name="vectors" type="checkbox" /> <label class="check" for="export-vectors">Include the search index (larger; it is rebuilt on import otherwise)</label></div>
        <div class="row"><button type="submit" class="primary" ?disabled=${this.working}>Export</button></div>
      </form>
      ${this.working ? html`<progress aria-label="Preparing the export"></progress>` : nothing}
      <p role="status">${this.working ? 'Preparing the export…' : this.notice}</p>
      <div class="alert" role="alert">${this.problem}</div>`;
  }

  async #export(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const persona = this.persona;
    if (!persona || this.working) return;
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const passphrase = this.encrypt ? data.get('passphrase') : null;
    if (typeof passphrase === 'string' && passphrase !== data.get('again')) {
      this.problem = 'The two passphrases differ: type the same passphrase in both fields.';
      return;
    }
    const includeVectors = data.get('vectors') !== null;
    this.working = true;
    this.notice = '';
    try {
      await this.act(async () => {
        const stream = await persona.export({ includeVectors, ...(typeof passphrase === 'string' ? { passphrase } : {}) });
        const blob = await new Response(stream).blob();
        const name = exportFileName(new Date(), typeof passphrase === 'string');
        saveFile(blob, name, this.renderRoot);
        this.notice = `Exported ${formatBytes(blob.size)} as ${name}${typeof passphrase === 'string' ? ', protected by your passphrase' : ''}.`;
      });
    } finally {
      this.working = false;
    }
  }
}
