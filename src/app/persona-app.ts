// The app's root element: opens Persona's engine (in its worker), shows the navigation and the open view, and
// relays the engine's change feed and status to the views. Views are built only on the public engine API, which the
// element also exposes as `persona`, so a host page, the devtools console or a test records through the same door.
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { unsafeStatic, html as staticHtml } from 'lit/static-html.js';
import { createPersona, type Persona, type PersonaStatus } from '../persona';
import type { ChangeMessage } from '../store/change-feed';
import { describeError } from '../ui/describe-error';
import { CHANGE_EVENT } from '../ui/persona-view';
import { PERSONA_WIPED } from '../ui/privacy/wiped-event';
import { PERSONA_REOPEN } from '../ui/reopen-event';
import { baseStyles, themeTokens } from '../ui/theme';
import { needsFirstRun } from './persona-first-run';
import { ROUTES, routeFromHash, type AppRoute } from './routes';
import { loadThemeChoice, nextThemeChoice, saveThemeChoice, THEME_LABELS, type ThemeChoice } from './theme-choice';

declare global {
  interface HTMLElementTagNameMap {
    'persona-app': PersonaApp;
  }
}

@customElement('persona-app')
export class PersonaApp extends LitElement {
  static override styles = [
    themeTokens,
    baseStyles,
    css`
      :host {
        min-height: 100vh;
      }
      .shell {
        max-width: 60rem;
        margin: 0 auto;
        padding: 0.75rem 1rem 2rem;
      }
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        justify-content: space-between;
        gap: 0.25rem 1rem;
      }
      h1 {
        margin: 0;
        font-size: 1.5rem;
      }
      .privacy {
        margin: 0.25rem 0 0.5rem;
      }
      nav ul {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem;
        list-style: none;
        margin: 0 0 1rem;
        padding: 0 0 0.5rem;
        border-bottom: 1px solid var(--persona-border);
      }
      nav a {
        display: inline-block;
        padding: 0.375rem 0.75rem;
        border-radius: var(--persona-radius);
        color: var(--persona-fg);
        text-decoration: none;
      }
      nav a[aria-current='page'] {
        background: var(--persona-accent);
        color: var(--persona-on-accent);
      }
      nav a:hover:not([aria-current='page']) {
        background: var(--persona-surface);
      }
      .banner {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 1rem;
        margin: 0 0 1rem;
        padding: 0.5rem 0.75rem;
        border: 1px solid var(--persona-accent);
        border-radius: var(--persona-radius);
        background: var(--persona-surface);
      }
    `,
  ];

  /** The theme the user forced; absent follows the OS. Reflected so the tokens (theme.ts) switch. */
  @property({ reflect: true }) theme: 'light' | 'dark' | undefined;
  @state() private phase: 'opening' | 'ready' | 'unavailable' = 'opening';
  @state() private problem = '';
  @state() private route: AppRoute = routeFromHash(location.hash).route;
  @state() private target = routeFromHash(location.hash).rest;
  @state() private status: PersonaStatus | undefined;
  @state() private loadedViews: ReadonlySet<string> = new Set();
  @state() private themeChoice: ThemeChoice = 'system';
  /** Set when a new version waits (service-worker.ts): switches to it. */
  @state() private reloadToUpdate: (() => Promise<void>) | undefined;
  @state() private offlineReady = false;
  /** A new visitor sees the first-run screen instead of the view until they choose (see persona-first-run.ts). */
  @state() private firstRun = false;

  /** Every committed change to the user's data, re-dispatched as CHANGE_EVENT for the views. */
  readonly changes = new EventTarget();
  #persona: Persona | undefined;

  /** The engine the views use: the public Persona API (undefined until it has opened). */
  get persona(): Persona | undefined {
    return this.#persona;
  }

  /** A view deleted everything, and the engine with it: open a fresh one on the now empty store. */
  readonly #onWiped = () => {
    void this.#reopen(undefined);
  };

  /** A view changed a choice the engine reads when it opens (the search model): close it and open it again. */
  readonly #onReopen = () => {
    void this.#reopen(this.#persona);
  };

  async #reopen(closing: Persona | undefined): Promise<void> {
    this.#persona = undefined;
    this.status = undefined;
    this.phase = 'opening';
    await closing?.close();
    await this.#open();
  }

  readonly #onHashChange = () => {
    const { route, rest } = routeFromHash(location.hash);
    this.route = route;
    this.target = rest;
    void this.#loadView(route);
  };

  override connectedCallback(): void {
    super.connectedCallback();
    this.#applyTheme(loadThemeChoice());
    addEventListener('hashchange', this.#onHashChange);
    this.addEventListener(PERSONA_WIPED, this.#onWiped);
    this.addEventListener(PERSONA_REOPEN, this.#onReopen);
    void this.#loadView(this.route);
    void this.#open();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('hashchange', this.#onHashChange);
    this.removeEventListener(PERSONA_WIPED, this.#onWiped);
    this.removeEventListener(PERSONA_REOPEN, this.#onReopen);
    void this.#persona?.close();
    this.#persona = undefined;
  }

  override render() {
    return html`<div class="shell">
      <header>
        <h1>Persona</h1>
        <button type="button" @click=${this.#cycleTheme} aria-label=${`Theme: ${THEME_LABELS[this.themeChoice]}. Change theme`}>
          Theme: ${THEME_LABELS[this.themeChoice]}
        </button>
        <p class="privacy muted">Everything stays on this device: your history, profile and model run in this browser and nothing is sent anywhere.</p>
      </header>
      <nav aria-label="Persona">
        <ul>
          ${ROUTES.map(
            (route) => html`<li><a href=${`#${route.id}`} aria-current=${route.id === this.route.id ? 'page' : nothing}>${route.label}</a></li>`,
          )}
        </ul>
      </nav>
      ${this.#renderUpdates()}
      <div class="alert" role="alert">${this.problem}</div>
      <main>${this.#renderMain()}</main>
    </div>`;
  }

  /** A new version is ready: the person reloads when it suits them. */
  showUpdate(reload: () => Promise<void>): void {
    this.reloadToUpdate = reload;
  }

  /** Everything the app needs is cached: say once that it now opens offline. */
  showOfflineReady(): void {
    this.offlineReady = true;
  }

  #renderUpdates() {
    const closedBy = this.status?.closedBy;
    if (closedBy) {
      // Nothing is lost: the data stays in the browser; this tab just no longer holds it.
      return html`<div class="banner" role="alert">
        ${closedBy === 'versionchange'
          ? 'Persona was updated or its data deleted in another tab, so this tab let go of your data.'
          : 'The browser closed your Persona data in this tab.'}
        Reload to continue.
        <button type="button" class="primary" @click=${() => { location.reload(); }}>Reload</button>
      </div>`;
    }
    const reload = this.reloadToUpdate;
    if (reload) {
      return html`<div class="banner" role="status">
        A new version of Persona is ready. Your data stays as it is.
        <button type="button" class="primary" @click=${() => { void reload(); }}>Reload to update</button>
      </div>`;
    }
    if (!this.offlineReady) return nothing;
    return html`<div class="banner" role="status">
      Persona is ready to work offline.
      <button type="button" @click=${() => { this.offlineReady = false; }}>Dismiss</button>
    </div>`;
  }

  #renderMain() {
    if (this.phase === 'opening') return html`<p role="status">Opening your data…</p>`;
    if (this.phase === 'unavailable') return html`<p>Persona could not open your data in this browser. The message above says why.</p>`;
    if (this.firstRun) return html`<persona-first-run .persona=${this.#persona} @persona-first-run-done=${() => (this.firstRun = false)}></persona-first-run>`;
    if (!this.loadedViews.has(this.route.tag)) return html`<p role="status">Loading ${this.route.label}…</p>`;
    const tag = unsafeStatic(this.route.tag);
    return staticHtml`<${tag} .persona=${this.#persona} .changes=${this.changes} .status=${this.status} target=${this.target}></${tag}>`;
  }

  async #open(): Promise<void> {
    try {
      const persona = await createPersona();
      if (!this.isConnected) {
        await persona.close();
        return;
      }
      this.#persona = persona;
      await persona.onChange((message: ChangeMessage) => {
        this.changes.dispatchEvent(new CustomEvent(CHANGE_EVENT, { detail: message }));
      });
      await persona.subscribe((status) => {
        this.status = status;
      });
      this.status = await persona.status();
      this.firstRun = await needsFirstRun(persona);
      this.phase = 'ready';
    } catch (error) {
      this.phase = 'unavailable';
      this.problem = describeError(error);
    }
  }

  async #loadView(route: AppRoute): Promise<void> {
    if (this.loadedViews.has(route.tag)) return;
    try {
      await route.load();
      this.loadedViews = new Set([...this.loadedViews, route.tag]);
    } catch (error) {
      this.problem = `The ${route.label} view could not load: ${describeError(error)}. Reload the page to try again.`;
    }
  }

  #cycleTheme(): void {
    const choice = nextThemeChoice(this.themeChoice);
    saveThemeChoice(choice);
    this.#applyTheme(choice);
  }

  #applyTheme(choice: ThemeChoice): void {
    this.themeChoice = choice;
    this.theme = choice === 'system' ? undefined : choice;
  }
}
