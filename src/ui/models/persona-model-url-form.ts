// Loads a GGUF model file from an address instead of the catalogue: a file on this site, or on a model host this
// site allows (its Content-Security-Policy names them; the browser refuses any other host). The download shows its
// progress and can be cancelled.
import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { fieldStyles, stackedFormStyles } from '../field-styles';
import { PersonaView } from '../persona-view';
import { baseStyles } from '../theme';
import { modelFileSource } from './model-file-url';
import './persona-transfer-bar';
import { TransferJob } from './transfer-job';

declare global {
  interface HTMLElementTagNameMap {
    'persona-model-url-form': PersonaModelUrlForm;
  }
}

const DEFAULT_CONTEXT = 2048;

@customElement('persona-model-url-form')
export class PersonaModelUrlForm extends PersonaView {
  static override styles = [
    baseStyles,
    fieldStyles,
    stackedFormStyles,
    css`
      input[name='url'] {
        width: 100%;
      }
      input[name='context'] {
        width: 8rem;
      }
    `,
  ];

  protected readonly watches = [] as const;
  private readonly job = new TransferJob(this);
  @state() private notice = '';

  protected async load(): Promise<void> {
    // Nothing to read: the form only loads what the user names.
  }

  override render() {
    return html`<form @submit=${this.#submit}>
      <div>
        <label for="model-url">Model file address (GGUF)</label>
        <input id="model-url" name="url" type="text" inputmode="url" autocomplete="off" spellcheck="false" placeholder="/models/my-model.gguf" aria-describedby="model-url-help" required />
        <p id="model-url-help" class="muted">A file on this site or on a model host this site allows. It runs with llama.cpp and is kept on this device.</p>
      </div>
      <div>
        <label for="model-context">Context window (tokens)</label>
        <input id="model-context" name="context" type="number" min="128" max="131072" step="1" .value=${String(DEFAULT_CONTEXT)} required />
      </div>
      <div class="row">
        <button type="submit" class="primary" ?disabled=${this.job.running}>Load model file</button>
        ${this.job.running ? html`<button type="button" @click=${() => { this.job.cancel(); }}>Cancel loading</button>` : nothing}
      </div>
      ${this.job.label ? html`<persona-transfer-bar label=${this.job.label} .progress=${this.job.progress}></persona-transfer-bar>` : nothing}
      <p class="muted" role="status">${this.notice}</p>
      <div class="alert" role="alert">${this.problem}</div>
    </form>`;
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const persona = this.persona;
    if (!persona || this.job.running) return;
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const address = data.get('url');
    const source = modelFileSource(typeof address === 'string' ? address : '', location.href);
    if (typeof source === 'string') {
      this.problem = source;
      return;
    }
    const contextSize = Number(data.get('context')) || DEFAULT_CONTEXT;
    this.notice = '';
    const outcome = await this.job.run(`Loading ${source.id}`, (signal, onProgress) =>
      persona.models.load({ id: source.id, gguf: { url: source.url }, contextSize }, { signal, onProgress }),
    );
    if (outcome.kind === 'failed') {
      this.report(outcome.error);
      return;
    }
    this.problem = '';
    this.notice = outcome.kind === 'done' ? `${source.id} is loaded and answers in Chat.` : 'Loading cancelled.';
  }
}
