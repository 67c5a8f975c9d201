// Import: reads an export file and first shows what it would change (added, updated, kept as it is, per kind of
// record) without changing anything; only the user's confirmation applies it, all at once. A wrong or missing
// passphrase, or a damaged file, is named and changes nothing.
import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { Persona } from '../../index';
import { formatDateTime, plural } from '../format';
import { PersonaView } from '../persona-view';
import { baseStyles } from '../theme';
import { panelStyles } from './privacy-styles';

declare global {
  interface HTMLElementTagNameMap {
    'persona-import-panel': PersonaImportPanel;
  }
}

type Preview = Awaited<ReturnType<Persona['previewImport']>>;
type Mode = Preview['mode'];
type RecordType = keyof Preview['added'];

/** Each kind of record: its row heading, and its name for one and for many. */
const RECORD_NAMES: Readonly<Record<RecordType, { heading: string; one: string; many: string }>> = {
  event: { heading: 'Events', one: 'event', many: 'events' },
  memory: { heading: 'Memories', one: 'memory', many: 'memories' },
  profile: { heading: 'Profile', one: 'profile', many: 'profiles' },
  feedback: { heading: 'Feedback', one: 'feedback', many: 'feedback' },
  setting: { heading: 'Settings', one: 'setting', many: 'settings' },
  segment: { heading: 'Search index', one: 'index segment', many: 'index segments' },
};

interface Pending {
  file: File;
  passphrase: string | undefined;
  mode: Mode;
  preview: Preview;
}

@customElement('persona-import-panel')
export class PersonaImportPanel extends PersonaView {
  static override styles = [
    baseStyles,
    panelStyles,
    css`
      table {
        border-collapse: collapse;
        margin: 0.5rem 0;
      }
      th,
      td {
        padding: 0.25rem 0.75rem 0.25rem 0;
        text-align: start;
      }
      td {
        font-variant-numeric: tabular-nums;
      }
      fieldset {
        border: 1px solid var(--persona-border);
        border-radius: var(--persona-radius);
      }
      legend {
        font-weight: 600;
      }
    `,
  ];

  protected readonly watches = [] as const;
  @state() private working: 'preview' | 'import' | undefined;
  @state() private pending: Pending | undefined;
  @state() private notice = '';

  protected async load(): Promise<void> {
    // Nothing to show before the user picks a file.
  }

  override render() {
    return html`<h3 id="import-heading">Import an export</h3>
      <form @submit=${this.#preview} aria-labelledby="import-heading">
        <div>
          <label for="import-file">Export file</label>
          <input id="import-file" name="file" type="file" accept=".ndjson,.json,application/x-ndjson" required @change=${this.#forgetPreview} />
        </div>
        <div>
          <label for="import-passphrase">Passphrase (only for a protected file)</label>
          <input id="import-passphrase" name="passphrase" type="password" autocomplete="current-password" @input=${this.#forgetPreview} />
        </div>
        <fieldset @change=${this.#forgetPreview}>
          <legend>What happens to the data here</legend>
          <div class="check"><input id="mode-merge" type="radio" name="mode" value="merge" checked /> <label for="mode-merge">Keep it and add the file's data</label></div>
          <div class="check"><input id="mode-replace" type="radio" name="mode" value="replace" /> <label for="mode-replace">Replace it with the file's data</label></div>
        </fieldset>
        <div class="row"><button type="submit" ?disabled=${this.working !== undefined}>Preview import</button></div>
      </form>
      ${this.working ? html`<progress aria-label=${this.working === 'preview' ? 'Reading the file' : 'Importing'}></progress>` : nothing}
      <p role="status">${this.working === 'preview' ? 'Reading and checking the file…' : this.working === 'import' ? 'Importing…' : this.notice}</p>
      ${this.pending ? this.#renderPreview(this.pending) : nothing}
      <div class="alert" role="alert">${this.problem}</div>`;
  }

  #renderPreview({ preview, file }: Pending) {
    const types = (Object.keys(RECORD_NAMES) as RecordType[]).filter((type) => preview.added[type] + preview.updated[type] + preview.skipped[type] > 0);
    return html`<section class="card" aria-labelledby="preview-heading">
      <h4 id="preview-heading">What importing ${file.name} would do</h4>
      <p>
        Exported ${formatDateTime(preview.header.createdAt)}${preview.encrypted ? ', protected by a passphrase' : ''}.
        ${preview.mode === 'replace' ? 'Everything here now is deleted first.' : 'What is here now stays.'}
      </p>
      ${types.length === 0
        ? html`<p>The file holds no records: importing it changes nothing.</p>`
        : html`<table id="import-preview">
            <thead><tr><th scope="col">Kind</th><th scope="col">Added</th><th scope="col">Updated</th><th scope="col">Already here</th></tr></thead>
            <tbody>
              ${types.map((type) => html`<tr><th scope="row">${RECORD_NAMES[type].heading}</th><td>${preview.added[type]}</td><td>${preview.updated[type]}</td><td>${preview.skipped[type]}</td></tr>`)}
            </tbody>
          </table>`}
      <div class="row">
        <button type="button" class="primary" @click=${this.#import} ?disabled=${this.working !== undefined}>Import now</button>
        <button type="button" @click=${this.#forgetPreview}>Cancel</button>
      </div>
    </section>`;
  }

  #forgetPreview(): void {
    this.pending = undefined;
  }

  async #preview(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const persona = this.persona;
    if (!persona || this.working) return;
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const file = data.get('file');
    if (!(file instanceof File) || file.size === 0) {
      this.problem = 'Choose an export file first (an empty file holds nothing to import).';
      return;
    }
    const passphrase = data.get('passphrase');
    const mode: Mode = data.get('mode') === 'replace' ? 'replace' : 'merge';
    const options = { mode, ...(typeof passphrase === 'string' && passphrase !== '' ? { passphrase } : {}) };
    this.pending = undefined;
    this.notice = '';
    this.working = 'preview';
    try {
      await this.act(async () => {
        const preview = await persona.previewImport(file, options);
        this.pending = { file, passphrase: options.passphrase, mode, preview };
      });
    } finally {
      this.working = undefined;
    }
  }

  async #import(): Promise<void> {
    const persona = this.persona;
    const pending = this.pending;
    if (!persona || !pending || this.working) return;
    this.working = 'import';
    try {
      await this.act(async () => {
        const report = await persona.import(pending.file, { mode: pending.mode, ...(pending.passphrase === undefined ? {} : { passphrase: pending.passphrase }) });
        this.pending = undefined;
        const added = (Object.keys(RECORD_NAMES) as RecordType[]).filter((type) => report.added[type] > 0).map((type) => plural(report.added[type], RECORD_NAMES[type].one, RECORD_NAMES[type].many));
        this.notice = `Imported ${pending.file.name}: ${added.length === 0 ? 'nothing new' : `${added.join(', ')} added`}.`;
      });
    } finally {
      this.working = undefined;
    }
  }
}
