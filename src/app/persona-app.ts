// The app's root element: opens this browser's Persona store, lets a person write notes, and shows the newest
// events. It redraws from the change feed only, so writes from this tab, other tabs and workers appear the same way.
import { css, html, LitElement } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { chooseBackend, detectCapabilities, findModel, needsOf, PersonaError, PersonaStore, type BackendChoice, type CloseReason, type DeviceCapabilities, type HistoryEvent } from '../index';
import '../ui/persona-device-status';
import '../ui/persona-event-list';
import '../ui/persona-history-search';
import '../ui/persona-note-form';
import type { RetrievedItem } from '../index';
import type { SearchDetail } from '../ui/persona-history-search';
import { HistoryIntelligence, type IntelligenceStatus } from '../index';
import type { EventDeleteDetail } from '../ui/persona-event-list';
import type { NoteSubmitDetail, PersonaNoteForm } from '../ui/persona-note-form';

declare global {
  interface HTMLElementTagNameMap {
    'persona-app': PersonaApp;
  }
}

/** How many of the newest events the list shows. */
const LATEST = 20;
/** The model the app offers first: small enough for most devices, good enough to follow instructions. */
const DEFAULT_MODEL = 'qwen2.5-0.5b-instruct';

@customElement('persona-app')
export class PersonaApp extends LitElement {
  static override styles = css`
    :host {
      display: block;
      max-width: 44rem;
      margin: 0 auto;
      padding: 1rem;
      font-family: system-ui, sans-serif;
      line-height: 1.5;
    }
    h1 {
      margin: 0;
      font-size: 1.75rem;
    }
    h2 {
      font-size: 1.25rem;
      margin: 1.5rem 0 0.5rem;
    }
    .privacy {
      margin-top: 0.25rem;
    }
    .alert:not(:empty) {
      margin: 1rem 0;
      padding: 0.5rem 0.75rem;
      border: 2px solid #b3261e;
      border-radius: 0.25rem;
      overflow-wrap: anywhere;
    }
  `;

  @state() private phase: 'opening' | 'ready' | 'unavailable' = 'opening';
  @state() private count = 0;
  @state() private latest: readonly HistoryEvent[] = [];
  @state() private problem = '';
  @state() private intelligence: IntelligenceStatus = { phase: 'loading', embedded: 0, pending: 0 };
  @state() private results: readonly RetrievedItem[] | undefined;
  @state() private capabilities: DeviceCapabilities | undefined;
  @state() private backendChoice: BackendChoice | undefined;
  @query('persona-note-form') private noteForm?: PersonaNoteForm;
  #history: HistoryIntelligence | undefined;
  /** Searches can finish out of order; only the newest may show its results. */
  #searchGeneration = 0;
  /** A note whose save failed keeps its id, so saving it again can never record it twice. */
  #unsaved: { text: string; id: string } | undefined;

  #store: PersonaStore | undefined;
  #unsubscribe: (() => void) | undefined;
  /** Reads can finish out of order; only the newest one may update the view. */
  #readGeneration = 0;
  #saving = false;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#open();
    void this.#detectDevice();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#history?.stop();
    this.#history = undefined;
    this.#store?.close();
    this.#store = undefined;
  }

  override render() {
    return html`
      <header>
        <h1>Persona</h1>
        <p class="privacy">Everything stays on this device: your notes are stored in this browser and never sent anywhere.</p>
      </header>
      <main>
        <div class="alert" role="alert">${this.problem}</div>
        ${this.phase === 'opening' ? html`<p>Opening your history…</p>` : ''}
        ${this.phase === 'ready' ? this.#renderReady() : ''}
      </main>
    `;
  }

  async #detectDevice(): Promise<void> {
    const model = findModel(DEFAULT_MODEL);
    if (!model) return;
    const capabilities = await detectCapabilities();
    this.capabilities = capabilities;
    this.backendChoice = chooseBackend(capabilities, needsOf(model));
  }

  #renderReady() {
    const shown = Math.min(this.count, LATEST);
    return html`
      <section aria-labelledby="write-heading">
        <h2 id="write-heading">Write a note</h2>
        <persona-note-form @persona-note-submit=${this.#onNoteSubmit}></persona-note-form>
      </section>
      <section aria-labelledby="find-heading">
        <h2 id="find-heading">Find in your history</h2>
        <p aria-live="polite" id="embedder-status">${this.#describeIntelligence()}</p>
        <persona-history-search .results=${this.results} ?disabled=${this.intelligence.phase === 'loading'} @persona-search=${this.#onSearch}></persona-history-search>
      </section>
      <section aria-labelledby="model-heading">
        <h2 id="model-heading">Your model</h2>
        <persona-device-status .capabilities=${this.capabilities} .choice=${this.backendChoice} model=${findModel(DEFAULT_MODEL)?.label ?? DEFAULT_MODEL}></persona-device-status>
      </section>
      <section aria-labelledby="history-heading">
        <h2 id="history-heading">Your history</h2>
        <p role="status" id="event-count">${this.count} ${this.count === 1 ? 'event' : 'events'} stored on this device${this.count > LATEST ? ` (newest ${shown} shown)` : ''}</p>
        <persona-event-list .events=${this.latest} @persona-event-delete=${this.#onDelete}></persona-event-list>
      </section>
    `;
  }

  async #open(): Promise<void> {
    try {
      const store = await PersonaStore.open({ onClose: (reason) => { this.#onStoreClosed(reason); } });
      if (!this.isConnected) {
        store.close();
        return;
      }
      this.#store = store;
      this.#unsubscribe = store.subscribe((message) => {
        if (message.lifecycle !== undefined || message.changes.some((change) => change.store === 'events')) void this.#reload();
        // A deleted event leaves the search results at once, not at the next search.
        const deleted = new Set(message.changes.flatMap((change) => (change.store === 'events' && change.op === 'delete' ? (change.ids ?? []) : [])));
        if (deleted.size > 0 && this.results) this.results = this.results.filter((hit) => !deleted.has(hit.id));
      });
      await this.#reload();
      this.phase = 'ready';
      this.#history = new HistoryIntelligence(store, (status) => {
        this.intelligence = status;
      });
      void this.#history.start();
    } catch (error) {
      this.phase = 'unavailable';
      this.#report(error);
    }
  }

  async #reload(): Promise<void> {
    const store = this.#store;
    if (!store) return;
    const generation = ++this.#readGeneration;
    try {
      const [count, page] = await Promise.all([store.events.count(), store.events.list({ limit: LATEST })]);
      if (generation !== this.#readGeneration) return;
      this.count = count;
      this.latest = page.events;
    } catch (error) {
      this.#report(error);
    }
  }

  async #onNoteSubmit(event: CustomEvent<NoteSubmitDetail>): Promise<void> {
    const store = this.#store;
    if (!store || this.#saving) return;
    if (event.detail.text.trim() === '') {
      this.problem = 'Write something before saving: the note is empty.';
      return;
    }
    this.#saving = true;
    try {
      const text = event.detail.text;
      const id = this.#unsaved?.text === text ? this.#unsaved.id : crypto.randomUUID();
      this.#unsaved = { text, id };
      // The change feed announces the write to this tab too, which reloads the list.
      await store.record({ id, kind: 'note', text });
      this.#unsaved = undefined;
      this.problem = '';
      this.noteForm?.clear();
    } catch (error) {
      this.#report(error);
    } finally {
      this.#saving = false;
    }
  }

  async #onDelete(event: CustomEvent<EventDeleteDetail>): Promise<void> {
    const store = this.#store;
    if (!store) return;
    try {
      await store.events.delete(event.detail.id);
      this.problem = '';
    } catch (error) {
      this.#report(error);
    }
  }

  async #onSearch(event: CustomEvent<SearchDetail>): Promise<void> {
    const generation = ++this.#searchGeneration;
    try {
      const result = await this.#history?.search(event.detail.text);
      if (generation === this.#searchGeneration) this.results = result?.hits;
    } catch (error) {
      this.#report(error);
    }
  }

  #describeIntelligence(): string {
    const status = this.intelligence;
    if (status.phase === 'loading') return 'Loading the offline model that lets you search by meaning…';
    if (status.phase === 'failed') return `Search by meaning is unavailable: ${status.problem ?? 'unknown error'}. Keyword search still works.`;
    const waiting = status.pending > 0 ? `, ${status.pending} waiting` : '';
    return `Offline model ready (${status.model ?? ''}): ${status.embedded} ${status.embedded === 1 ? 'event' : 'events'} understood${waiting}. Nothing leaves this device.`;
  }

  #onStoreClosed(reason: CloseReason): void {
    if (reason === 'closed') return;
    this.phase = 'unavailable';
    this.problem =
      reason === 'versionchange'
        ? 'Another tab is upgrading or deleting your Persona data, so this tab let go of it. Reload the page to continue.'
        : 'The browser closed your Persona data unexpectedly. Reload the page to continue.';
  }

  #report(error: unknown): void {
    if (error instanceof PersonaError) this.problem = `${error.name}: ${error.message}`;
    else if (error instanceof Error) this.problem = `Something went wrong (${error.name}): ${error.message}`;
    else this.problem = `Something went wrong: ${String(error)}`;
  }
}
