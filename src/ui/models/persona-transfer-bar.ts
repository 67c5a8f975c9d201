// A download's or model load's progress: a labelled bar (indeterminate until the fraction is known) and the same
// facts in words, announced politely so a screen reader hears it move without being interrupted.
import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { baseStyles } from '../theme';
import { describeTransfer, type TransferProgress } from './transfer-progress';

declare global {
  interface HTMLElementTagNameMap {
    'persona-transfer-bar': PersonaTransferBar;
  }
}

@customElement('persona-transfer-bar')
export class PersonaTransferBar extends LitElement {
  static override styles = [
    baseStyles,
    css`
      p {
        margin: 0.25rem 0 0;
      }
    `,
  ];

  /** What is moving, e.g. 'Downloading SmolLM2 360M Instruct'. */
  @property() label = '';
  @property({ attribute: false }) progress: TransferProgress | undefined;

  override render() {
    const progress = this.progress ?? { fraction: Number.NaN };
    const known = Number.isFinite(progress.fraction) && progress.fraction > 0;
    return html`
      ${known ? html`<progress aria-label=${this.label} max="1" .value=${progress.fraction}></progress>` : html`<progress aria-label=${this.label}></progress>`}
      <p class="muted" aria-live="polite">${this.label}: ${describeTransfer(progress)}</p>
    `;
  }
}
