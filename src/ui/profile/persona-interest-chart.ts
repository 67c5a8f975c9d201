// The user's inferred interests as a bar chart: one row per topic with its share of their recent activity as an SVG
// bar and its last weeks as a sparkline. The chart is a real table, so a screen reader reads the same numbers the
// bars draw, and each trend is said in words beside its line.
import { css, html, LitElement, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { StoredInterest } from '../../engine/profile-insights';
import { formatDate, plural } from '../format';
import { baseStyles } from '../theme';
import { interestName, sparklinePoints, trendDirection, TREND_WORDS } from './profile-words';
import { shareBar, shareBarStyles } from './share-bar';

declare global {
  interface HTMLElementTagNameMap {
    'persona-interest-chart': PersonaInterestChart;
  }
}

const SPARK_WIDTH = 60;
const SPARK_HEIGHT = 16;

@customElement('persona-interest-chart')
export class PersonaInterestChart extends LitElement {
  static override styles = [
    baseStyles,
    shareBarStyles,
    css`
      table {
        width: 100%;
        border-collapse: collapse;
      }
      caption {
        text-align: start;
        color: var(--persona-muted);
        padding-bottom: 0.25rem;
      }
      th,
      td {
        text-align: start;
        padding: 0.375rem 0.25rem;
        border-bottom: 1px solid var(--persona-border);
        vertical-align: middle;
      }
      th[scope='row'] {
        font-weight: 600;
        overflow-wrap: anywhere;
        width: 35%;
      }
      .trend svg {
        width: ${SPARK_WIDTH}px;
        height: ${SPARK_HEIGHT}px;
        overflow: visible;
        vertical-align: middle;
      }
      .trend polyline {
        fill: none;
        stroke: var(--persona-fg);
        stroke-width: 1.5;
      }
      .trend span {
        display: block;
        font-size: 0.875rem;
        color: var(--persona-muted);
      }
    `,
  ];

  @property({ attribute: false }) interests: readonly StoredInterest[] = [];

  override render() {
    return html`<table>
      <caption>Share of your recent activity per topic, and its weekly trend (newest week last)</caption>
      <thead>
        <tr>
          <th scope="col">Topic</th>
          <th scope="col">Share</th>
          <th scope="col">Weekly trend</th>
        </tr>
      </thead>
      <tbody>
        ${this.interests.map((interest) => this.#renderRow(interest))}
      </tbody>
    </table>`;
  }

  #renderRow(interest: StoredInterest) {
    const direction = TREND_WORDS[trendDirection(interest.trend)];
    return html`<tr>
      <th scope="row">${interestName(interest)}</th>
      <td>
        ${shareBar(interest.weight)}
      </td>
      <td class="trend">
        <svg viewBox=${`0 0 ${SPARK_WIDTH} ${SPARK_HEIGHT}`} aria-hidden="true">
          ${svg`<polyline points=${sparklinePoints(interest.trend, SPARK_WIDTH, SPARK_HEIGHT)}></polyline>`}
        </svg>
        <span>${direction}; ${plural(interest.count, 'event')}, last ${formatDate(interest.lastSeen)}</span>
      </td>
    </tr>`;
  }
}
