// What every app view shares: the engine it reads and writes through (the public Persona API, nothing else), the
// change feed that tells it to read again, and where it reports failures. A view names the stores it shows; any
// committed change to one of them — from this tab, another tab or a worker — makes it load again, coalesced so a
// burst of writes costs one reload, and only the newest load may update the view.
import { LitElement, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { PersonaStoreName } from '../store/schema';
import type { ChangeMessage } from '../store/change-feed';
import type { Persona, PersonaStatus } from '../persona';
import { describeError } from './describe-error';

/** The event the app dispatches on its change target for every committed change message. */
export const CHANGE_EVENT = 'persona-change';

export abstract class PersonaView extends LitElement {
  /** The engine; views render nothing useful until the app hands it over. */
  @property({ attribute: false }) persona: Persona | undefined;
  /** Where the app re-dispatches the change feed (one subscription for all views). */
  @property({ attribute: false }) changes: EventTarget | undefined;
  /** The engine's status: paused, the loaded model and its runtime, embedding progress. */
  @property({ attribute: false }) status: PersonaStatus | undefined;
  /** What the URL names inside the view, e.g. the event id in '#history/<id>'; empty for none. */
  @property() target = '';
  /** The newest failure, in words; empty when the last operation worked. */
  @state() protected problem = '';

  /** Stores whose changes make this view load again; wipes and imports always do. */
  protected abstract readonly watches: readonly PersonaStoreName[];
  /** Reads what the view shows. `isCurrent()` turns false once a newer load started: skip stale updates then. */
  protected abstract load(persona: Persona, isCurrent: () => boolean): Promise<void>;

  #generation = 0;
  #reloadQueued = false;
  #listening: EventTarget | undefined;
  readonly #onChange = (event: Event) => {
    const message = (event as CustomEvent<ChangeMessage>).detail;
    if (message.lifecycle !== undefined || message.changes.some((change) => this.watches.includes(change.store))) this.reload();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    this.#listen();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#listening?.removeEventListener(CHANGE_EVENT, this.#onChange);
    this.#listening = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('changes')) this.#listen();
    if (changed.has('persona') && this.persona) this.reload();
  }

  /** Loads again at the next microtask; calls in between share that one load. */
  reload(): void {
    if (this.#reloadQueued) return;
    this.#reloadQueued = true;
    queueMicrotask(() => {
      this.#reloadQueued = false;
      const persona = this.persona;
      if (!persona || !this.isConnected) return;
      const generation = ++this.#generation;
      this.load(persona, () => generation === this.#generation).catch((error: unknown) => {
        if (generation === this.#generation) this.report(error);
      });
    });
  }

  /** Runs a user's action: its failure is shown, its success clears the previous failure. */
  protected async act(action: () => Promise<unknown>): Promise<boolean> {
    try {
      await action();
      this.problem = '';
      return true;
    } catch (error) {
      this.report(error);
      return false;
    }
  }

  protected report(error: unknown): void {
    this.problem = describeError(error);
  }

  #listen(): void {
    if (this.#listening === this.changes) return;
    this.#listening?.removeEventListener(CHANGE_EVENT, this.#onChange);
    this.#listening = this.isConnected ? this.changes : undefined;
    this.#listening?.addEventListener(CHANGE_EVENT, this.#onChange);
  }
}
