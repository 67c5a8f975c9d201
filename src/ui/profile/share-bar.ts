// A share of a whole (0–1) drawn as a horizontal SVG bar with its percentage beside it: the interest chart and the
// persona match draw their shares the same way. The bar is decoration; the percentage is the text.
import { css, html, svg } from 'lit';
import { percent } from './profile-words';

export const shareBarStyles = css`
  .share-bar {
    display: grid;
    grid-template-columns: 1fr 3rem;
    gap: 0.5rem;
    align-items: center;
  }
  .share-bar svg {
    width: 100%;
    height: 0.875rem;
  }
  .share-bar .track {
    fill: var(--persona-bg);
    stroke: var(--persona-border);
  }
  .share-bar .fill {
    fill: var(--persona-accent);
  }
`;

export function shareBar(share: number) {
  const width = Math.max(0, Math.min(100, share * 100));
  return html`<div class="share-bar">
    <svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
      ${svg`<rect class="track" x="0" y="0" width="100" height="10" vector-effect="non-scaling-stroke"></rect><rect class="fill" x="0" y="0" width=${width} height="10"></rect>`}
    </svg>
    <span>${percent(share)}</span>
  </div>`;
}
