// The search model that turns the history into meaning (the embedder), and what it means for privacy: the bundled
// default comes with the app and needs no network; a hub model is an opt-in the host configures, downloaded once.
import { html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { BUNDLED_EMBEDDER, type IntelligenceStatus } from '../../index';
import { plural } from '../format';
import { baseStyles } from '../theme';

declare global {
  interface HTMLElementTagNameMap {
    'persona-embedder-status': PersonaEmbedderStatus;
  }
}

@customElement('persona-embedder-status')
export class PersonaEmbedderStatus extends LitElement {
  static override styles = baseStyles;

  @property({ attribute: false }) intelligence: IntelligenceStatus | undefined;

  override render() {
    const status = this.intelligence;
    return html`<p id="embedder-state" aria-live="polite">${this.#describeState(status)}</p>
      <p id="embedder-kind">${this.#describeKind(status?.model)}</p>
      ${status?.fallbackReason ? html`<p id="embedder-fallback" class="alert">${status.fallbackReason}</p>` : ''}`;
  }

  #describeState(status: IntelligenceStatus | undefined): string {
    if (!status || status.phase === 'loading') return 'The search model is starting…';
    if (status.phase === 'failed') return `Search by meaning is unavailable: ${status.problem ?? 'the search model failed to start'}. Keyword search still works; reload the page to try again.`;
    const waiting = status.pending > 0 ? `; ${plural(status.pending, 'event')} waiting` : '';
    return `Ready: ${plural(status.embedded, 'event')} understood${waiting}.`;
  }

  #describeKind(model: string | undefined): string {
    if (model === undefined) return '';
    const name = model.split(':')[0] ?? model;
    if (name === BUNDLED_EMBEDDER.model) {
      return `${name} is the bundled offline default: it came with this app from this site, and it runs without any network, so nothing about your history is sent anywhere.`;
    }
    return `${name} is a hub model this site opted into: its files were downloaded once from the configured model host; your history is still read only on this device.`;
  }
}
