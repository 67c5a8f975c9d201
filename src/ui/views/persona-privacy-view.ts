// PLACEHOLDER (replaced within this session): the Data & privacy view.
import { html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { PersonaView } from '../persona-view';
import { baseStyles } from '../theme';

declare global {
  interface HTMLElementTagNameMap {
    'persona-privacy-view': PersonaPrivacyView;
  }
}

@customElement('persona-privacy-view')
export class PersonaPrivacyView extends PersonaView {
  static override styles = baseStyles;
  protected readonly watches = [] as const;

  protected async load(): Promise<void> {
    await Promise.resolve();
  }

  override render() {
    return html`<h2>Data & privacy</h2>`;
  }
}
