// PLACEHOLDER (replaced within this session): the Chat view.
import { html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { PersonaView } from '../persona-view';
import { baseStyles } from '../theme';

declare global {
  interface HTMLElementTagNameMap {
    'persona-chat-view': PersonaChatView;
  }
}

@customElement('persona-chat-view')
export class PersonaChatView extends PersonaView {
  static override styles = baseStyles;
  protected readonly watches = [] as const;

  protected async load(): Promise<void> {
    await Promise.resolve();
  }

  override render() {
    return html`<h2>Chat</h2>`;
  }
}
