// The first screen of a new visitor: what Persona keeps and where (all of it on this device), and a choice between
// trying it with a demo profile and starting empty. Either choice is remembered in this browser, so the screen is
// shown once; it also never returns once there is history.
import { css, html, LitElement } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Persona } from '../persona';
import { describeError } from '../ui/describe-error';
import { baseStyles } from '../ui/theme';

declare global {
  interface HTMLElementTagNameMap {
    'persona-first-run': PersonaFirstRun;
  }
}

/** The localStorage key that says this browser's visitor has seen the first-run screen. */
export const WELCOMED_KEY = 'persona.welcomed';
/** Fired (bubbling, composed) once the visitor made their choice and the app should show its view. */
export const FIRST_RUN_DONE = 'persona-first-run-done';

/** Whether to greet: no history yet and no earlier choice. Storage that cannot be read counts as no choice. */
export async function needsFirstRun(persona: Persona): Promise<boolean> {
  if (readWelcomed()) return false;
  const { events } = await persona.events.list({ limit: 1 });
  return events.length === 0;
}

function readWelcomed(): boolean {
  try {
    return localStorage.getItem(WELCOMED_KEY) !== null;
  } catch {
    return false;
  }
}

function rememberWelcomed(): void {
  try {
    localStorage.setItem(WELCOMED_KEY, new Date().toISOString());
  } catch {
    // Storage refused (a locked-down browser): the screen shows again next time, which is harmless.
  }
}

@customElement('persona-first-run')
export class PersonaFirstRun extends LitElement {
  static override styles = [
    baseStyles,
    css`
      ul {
        padding-left: 1.25rem;
      }
      li {
        margin: 0.25rem 0;
      }
      .choices {
        margin-top: 1rem;
      }
    `,
  ];

  @property({ attribute: false }) persona: Persona | undefined;
  @state() private loading = false;
  @state() private problem = '';

  override render() {
    return html`<section class="card" aria-labelledby="first-run-title">
      <h2 id="first-run-title">Welcome to Persona</h2>
      <p>Persona learns what you like from what you do here, so a language model can answer you personally. All of it stays in this browser, on this device:</p>
      <ul>
        <li><strong>Your history</strong>: the notes, chats, reads, ratings and clicks you record.</li>
        <li><strong>Your profile</strong>: your preferences, a summary of you, your interests and how you write.</li>
        <li><strong>Your memories</strong>: facts about you, each linked to the events it came from.</li>
        <li><strong>The model</strong>: it runs here. Model files are downloaded only from the model host this app is configured with, and nothing about you is sent anywhere.</li>
      </ul>
      <p>You can look at, edit, export or delete all of it at any time (Data &amp; privacy).</p>
      <p>New here? The demo profile fills Persona with the history of Noor, a fictional cyclist and cook, so you can see what each view shows. You can delete it later.</p>
      <div class="row choices">
        <button type="button" class="primary" ?disabled=${this.loading} @click=${this.#loadDemo}>Load the demo profile</button>
        <button type="button" ?disabled=${this.loading} @click=${this.#startEmpty}>Start empty</button>
      </div>
      ${this.loading ? html`<p role="status">Loading the demo profile…</p><progress aria-label="Loading the demo profile"></progress>` : ''}
      <div class="alert" role="alert">${this.problem}</div>
    </section>`;
  }

  async #loadDemo(): Promise<void> {
    const persona = this.persona;
    if (!persona) return;
    this.loading = true;
    this.problem = '';
    try {
      // Loaded on demand: most visitors never need the demo's text in their bundle.
      // While learning is paused nothing is recorded: the demo's memories would point at missing events.
      if ((await persona.status()).paused) {
        this.problem = 'Learning is paused, so Persona records nothing, the demo included. Start empty, then resume learning under Data & privacy.';
        return;
      }
      const { applyDemoProfile } = await import('./demo-profile');
      await applyDemoProfile(persona);
      this.#done();
    } catch (error) {
      this.problem = `The demo profile could not be loaded: ${describeError(error)}. Try again, or start empty.`;
    } finally {
      this.loading = false;
    }
  }

  #startEmpty(): void {
    this.#done();
  }

  #done(): void {
    rememberWelcomed();
    this.dispatchEvent(new CustomEvent(FIRST_RUN_DONE, { bubbles: true, composed: true }));
  }
}
