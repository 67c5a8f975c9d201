// The Data & privacy view: what Persona keeps on this device and the user's control over it — storage and
// retention, what it learns from, the lock, export and import, and deleting everything. Each panel reads and acts on its own
// and reports its own failures next to its controls.
import { css, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { PersonaView } from '../persona-view';
import '../privacy/persona-export-panel';
import '../privacy/persona-import-panel';
import '../privacy/persona-learning-panel';
import '../privacy/persona-lock-panel';
import '../privacy/persona-storage-panel';
import '../privacy/persona-wipe-panel';
import { baseStyles } from '../theme';

declare global {
  interface HTMLElementTagNameMap {
    'persona-privacy-view': PersonaPrivacyView;
  }
}

@customElement('persona-privacy-view')
export class PersonaPrivacyView extends PersonaView {
  static override styles = [
    baseStyles,
    css`
      .panels > * {
        margin-bottom: 1rem;
      }
    `,
  ];

  protected readonly watches = [] as const;

  protected async load(): Promise<void> {
    // Each panel reads what it shows.
  }

  override render() {
    const shared = { persona: this.persona, changes: this.changes, status: this.status };
    return html`<h2>Data & privacy</h2>
      <p class="muted">Everything below is on this device only. Nothing here is sent anywhere, exports included: they go to your downloads.</p>
      <div class="panels">
        <persona-storage-panel class="card" .persona=${shared.persona} .changes=${shared.changes} .status=${shared.status}></persona-storage-panel>
        <persona-learning-panel class="card" .persona=${shared.persona} .changes=${shared.changes} .status=${shared.status}></persona-learning-panel>
        <persona-lock-panel class="card" .persona=${shared.persona} .changes=${shared.changes} .status=${shared.status}></persona-lock-panel>
        <persona-export-panel class="card" .persona=${shared.persona} .changes=${shared.changes} .status=${shared.status}></persona-export-panel>
        <persona-import-panel class="card" .persona=${shared.persona} .changes=${shared.changes} .status=${shared.status}></persona-import-panel>
        <persona-wipe-panel class="card" .persona=${shared.persona} .changes=${shared.changes} .status=${shared.status}></persona-wipe-panel>
      </div>`;
  }
}
