// One catalogue model: what it is, its download size, whether and how it runs here (and why), what of it is on the
// device, and what the user can do with it: download (cancellable, resumed later), delete (after a confirmation) and
// load (with progress). It tells the view when the files on the device changed so the catalogue is read again.
import { css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ModelEntry } from '../../index';
import { formatBytes } from '../format';
import { PersonaView } from '../persona-view';
import { baseStyles } from '../theme';
import './persona-transfer-bar';
import { RUNTIME_NAMES } from './runtime-names';
import { TransferJob, type TransferOutcome } from './transfer-job';

declare global {
  interface HTMLElementTagNameMap {
    'persona-model-entry': PersonaModelEntry;
  }
}

/** Dispatched (bubbling) after a download, cancel or delete changed what of a model is on the device. */
export const MODEL_FILES_CHANGED = 'persona-model-files-changed';

@customElement('persona-model-entry')
export class PersonaModelEntry extends PersonaView {
  static override styles = [
    baseStyles,
    css`
      h3 {
        margin: 0 0 0.25rem;
      }
      p {
        margin: 0.25rem 0;
      }
      .loaded {
        color: var(--persona-ok);
        font-weight: 600;
      }
      .unfit {
        color: var(--persona-danger);
      }
      .actions {
        margin-top: 0.5rem;
      }
    `,
  ];

  protected readonly watches = [] as const;
  @property({ attribute: false }) entry: ModelEntry | undefined;
  private readonly job = new TransferJob(this);
  @state() private confirmingDelete = false;
  @state() private notice = '';
  @query('.confirm-delete') private confirmButton?: HTMLButtonElement;
  @query('.delete') private deleteButton?: HTMLButtonElement;

  protected async load(): Promise<void> {
    // The view reads the catalogue; an entry has nothing of its own to read.
  }

  override render() {
    const entry = this.entry;
    if (!entry) return nothing;
    const { model, choice, gguf } = entry;
    const loaded = this.status?.model === model.id;
    const headingId = `model-${model.id}`;
    return html`<article class="card" aria-labelledby=${headingId}>
      <h3 id=${headingId}>${model.label}</h3>
      <p class="muted">${model.paramsB} billion parameters · ${model.licence} licence · up to ${model.contextSize.toLocaleString()} tokens of context</p>
      <p class="size">Download: about ${formatBytes(entry.downloadBytes)}</p>
      <p class=${choice.backend ? 'fit' : 'fit unfit'}>
        ${choice.backend ? html`Runs here with ${RUNTIME_NAMES[choice.backend]}: ` : html`Cannot run on this device: `}${choice.reason}
      </p>
      <p class="on-device">${this.#describeOnDevice(entry)}</p>
      ${loaded ? html`<p class="loaded">Loaded now${this.status?.backend ? ` (${RUNTIME_NAMES[this.status.backend]})` : ''}</p>` : nothing}
      ${this.job.label ? html`<persona-transfer-bar label=${this.job.label} .progress=${this.job.progress}></persona-transfer-bar>` : nothing}
      <div class="row actions">
        ${this.job.running
          ? html`<button type="button" @click=${() => { this.job.cancel(); }} aria-label=${`Cancel: ${this.job.label ?? ''}`}>Cancel</button>`
          : html`
              ${gguf.state !== 'complete'
                ? html`<button type="button" @click=${this.#download} aria-label=${`${gguf.state === 'partial' ? 'Resume download of' : 'Download'} ${model.label}`}>
                    ${gguf.state === 'partial' ? 'Resume download' : 'Download'}
                  </button>`
                : nothing}
              <button type="button" class="primary" ?disabled=${!choice.backend || loaded} @click=${this.#load} aria-label=${`Load ${model.label}`}>Load</button>
              ${gguf.state !== 'absent' || entry.mlcCached
                ? html`<button type="button" class="danger delete" @click=${this.#askDelete} aria-label=${`Delete ${model.label} from this device`}>Delete</button>`
                : nothing}
            `}
      </div>
      ${this.confirmingDelete
        ? html`<div class="row actions" role="group" aria-label=${`Confirm deleting ${model.label}`} @keydown=${this.#onConfirmKey}>
            <span>Delete ${model.label}'s files from this device? Loading it again downloads them again.</span>
            <button type="button" class="danger confirm-delete" @click=${this.#delete}>Delete files</button>
            <button type="button" @click=${this.#keep}>Keep</button>
          </div>`
        : nothing}
      <p class="muted" role="status">${this.notice}</p>
      <div class="alert" role="alert">${this.problem}</div>
    </article>`;
  }

  #describeOnDevice({ gguf, mlcCached }: ModelEntry): string {
    const parts: string[] = [];
    if (gguf.state === 'complete') parts.push(`the llama.cpp file (${formatBytes(gguf.bytes)})`);
    if (gguf.state === 'partial') parts.push(`part of the llama.cpp file (${formatBytes(gguf.bytes)}; the download resumes from there)`);
    if (mlcCached) parts.push('the web-llm build');
    return parts.length === 0 ? 'Nothing of it is on this device yet.' : `On this device: ${parts.join(' and ')}.`;
  }

  async #download(): Promise<void> {
    const persona = this.persona;
    const entry = this.entry;
    if (!persona || !entry) return;
    this.notice = '';
    const outcome = await this.job.run(`Downloading ${entry.model.label}`, (signal, onProgress) => persona.models.download(entry.model.id, { signal, onProgress }));
    this.#settle(outcome, `${entry.model.label} is on this device.`, 'Download cancelled. What arrived is kept: Resume download continues from there.');
    this.#filesChanged();
  }

  async #load(): Promise<void> {
    const persona = this.persona;
    const entry = this.entry;
    if (!persona || !entry) return;
    this.notice = '';
    const outcome = await this.job.run(`Loading ${entry.model.label}`, (signal, onProgress) => persona.models.load(entry.spec, { signal, onProgress }));
    this.#settle(outcome, `${entry.model.label} is loaded and answers in Chat.`, 'Loading cancelled.');
    // Loading downloads what was missing.
    this.#filesChanged();
  }

  /** A cancel is the user's choice, not a failure: it is said as a notice. */
  #settle(outcome: TransferOutcome, done: string, cancelled: string): void {
    if (outcome.kind === 'failed') {
      this.report(outcome.error);
      return;
    }
    this.problem = '';
    this.notice = outcome.kind === 'done' ? done : cancelled;
  }

  async #askDelete(): Promise<void> {
    this.confirmingDelete = true;
    await this.updateComplete;
    this.confirmButton?.focus();
  }

  async #keep(): Promise<void> {
    this.confirmingDelete = false;
    await this.updateComplete;
    this.deleteButton?.focus();
  }

  #onConfirmKey(event: KeyboardEvent): void {
    if (event.key === 'Escape') void this.#keep();
  }

  async #delete(): Promise<void> {
    const persona = this.persona;
    const entry = this.entry;
    if (!persona || !entry) return;
    this.confirmingDelete = false;
    if (await this.act(() => persona.models.delete(entry.model.id))) this.notice = `${entry.model.label}'s files were deleted from this device.`;
    this.#filesChanged();
  }

  #filesChanged(): void {
    this.dispatchEvent(new Event(MODEL_FILES_CHANGED, { bubbles: true, composed: true }));
  }
}
