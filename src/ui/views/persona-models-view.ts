// The Models view: what this device can run and which runtime answers (and why), the curated models with their
// size, fit and what is on the device (download, cancel, delete, load), a model file from an address, the storage
// models take, and the search model that understands the history.
import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { chooseBackend, detectCapabilities, findModel, needsOf, type BackendChoice, type DeviceCapabilities, type ModelEntry, type ModelStorage, type Persona } from '../../index';
import { formatBytes, plural } from '../format';
import '../models/persona-device-status';
import { MODEL_FILES_CHANGED } from '../models/persona-model-entry';
import '../models/persona-model-url-form';
import { RUNTIME_NAMES } from '../models/runtime-names';
import '../models/persona-embedder-choice';
import '../models/persona-embedder-status';
import { PersonaView } from '../persona-view';
import { baseStyles } from '../theme';

declare global {
  interface HTMLElementTagNameMap {
    'persona-models-view': PersonaModelsView;
  }
}

/** The model the device summary judges: small enough for most devices, good enough to follow instructions. */
const DEFAULT_MODEL = 'qwen2.5-0.5b-instruct';

@customElement('persona-models-view')
export class PersonaModelsView extends PersonaView {
  static override styles = [
    baseStyles,
    css`
      section {
        margin-bottom: 1.5rem;
      }
      .catalogue {
        display: grid;
        gap: 0.75rem;
        list-style: none;
        margin: 0;
        padding: 0;
      }
      .loaded {
        font-weight: 600;
      }
    `,
  ];

  protected readonly watches = [] as const;
  @state() private entries: readonly ModelEntry[] | undefined;
  @state() private storage: ModelStorage | undefined;
  @state() private capabilities: DeviceCapabilities | undefined;
  @state() private choice: BackendChoice | undefined;

  readonly #onFilesChanged = () => {
    this.reload();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener(MODEL_FILES_CHANGED, this.#onFilesChanged);
    void this.#detectDevice();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener(MODEL_FILES_CHANGED, this.#onFilesChanged);
  }

  protected async load(persona: Persona, isCurrent: () => boolean): Promise<void> {
    const [entries, storage] = await Promise.all([persona.models.catalogue(), persona.models.storage()]);
    if (!isCurrent()) return;
    this.entries = entries;
    this.storage = storage;
  }

  async #detectDevice(): Promise<void> {
    const model = findModel(DEFAULT_MODEL);
    try {
      const capabilities = await detectCapabilities();
      this.capabilities = capabilities;
      if (model) this.choice = chooseBackend(capabilities, needsOf(model));
    } catch (error) {
      this.report(error);
    }
  }

  override render() {
    return html`
      <h2>Models</h2>
      <div class="alert" role="alert">${this.problem}</div>
      <section aria-labelledby="loaded-heading">
        <h3 id="loaded-heading">Answering now</h3>
        <p class="loaded" id="loaded-model">${this.#describeLoaded()}</p>
      </section>
      <section aria-labelledby="device-heading">
        <h3 id="device-heading">This device</h3>
        <persona-device-status .capabilities=${this.capabilities} .choice=${this.choice} model=${findModel(DEFAULT_MODEL)?.label ?? DEFAULT_MODEL}></persona-device-status>
      </section>
      <section aria-labelledby="catalogue-heading">
        <h3 id="catalogue-heading">Models to choose from</h3>
        <p class="muted">Each model downloads once from the model host and then runs on this device; what you write to it never leaves.</p>
        ${this.#renderCatalogue()}
      </section>
      <section aria-labelledby="url-heading">
        <h3 id="url-heading">Use a model file from an address</h3>
        <persona-model-url-form .persona=${this.persona} .status=${this.status}></persona-model-url-form>
      </section>
      <section aria-labelledby="storage-heading">
        <h3 id="storage-heading">Model storage</h3>
        ${this.#renderStorage()}
      </section>
      <section aria-labelledby="embedder-heading">
        <h3 id="embedder-heading">Search model</h3>
        <persona-embedder-status .intelligence=${this.status?.intelligence}></persona-embedder-status>
        <persona-embedder-choice .persona=${this.persona} .status=${this.status}></persona-embedder-choice>
      </section>
    `;
  }

  #describeLoaded(): string {
    const model = this.status?.model;
    if (!model) return 'No model is loaded: load one below to chat. Search and your history work without one.';
    const label = findModel(model)?.label ?? model;
    return `${label}${this.status?.backend ? `, with ${RUNTIME_NAMES[this.status.backend]}` : ''}`;
  }

  #renderCatalogue() {
    if (!this.entries) return html`<p role="status">Reading the models on this device…</p>`;
    return html`<ul class="catalogue" aria-label="Models">
      ${this.entries.map((entry) => html`<li><persona-model-entry .entry=${entry} .persona=${this.persona} .status=${this.status}></persona-model-entry></li>`)}
    </ul>`;
  }

  #renderStorage() {
    const storage = this.storage;
    if (!storage) return html`<p role="status">Measuring…</p>`;
    const downloaded = this.entries?.filter((entry) => entry.gguf.state !== 'absent' || entry.mlcCached).length ?? 0;
    return html`<p id="model-storage">
        Model files take ${formatBytes(storage.ggufBytes)} (${plural(downloaded, 'catalogue model')} on this device).
        ${storage.usageBytes === undefined ? nothing : html`This site uses ${formatBytes(storage.usageBytes)} in all${storage.quotaBytes === undefined ? '' : ` of the ${formatBytes(storage.quotaBytes)} the browser allows it`}.`}
      </p>
      <p class="muted">Deleting a model's files frees their space; your history and profile are not touched.</p>`;
  }
}
