// Picks the days whose events should go; the view asks for confirmation and deletes them.
import { css, html, LitElement } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { baseStyles } from '../theme';
import { dayRange, type InstantRange } from './day-range';

export interface RangeDeleteDetail {
  range: InstantRange;
  /** The days as the person picked them, for the question the view asks. */
  fromDay: string;
  toDay: string;
}

declare global {
  interface HTMLElementTagNameMap {
    'persona-range-delete': PersonaRangeDelete;
  }
  interface HTMLElementEventMap {
    'persona-range-delete': CustomEvent<RangeDeleteDetail>;
  }
}

@customElement('persona-range-delete')
export class PersonaRangeDelete extends LitElement {
  static override styles = [
    baseStyles,
    css`
      .field {
        display: flex;
        flex-direction: column;
        gap: 0.125rem;
      }
      form {
        align-items: end;
      }
    `,
  ];

  @state() private fromDay = '';
  @state() private toDay = '';

  override render() {
    return html`<form class="row" @submit=${this.#submit}>
      <div class="field">
        <label for="range-from">First day</label>
        <input id="range-from" type="date" required .value=${this.fromDay} @input=${(e: Event) => { this.fromDay = (e.target as HTMLInputElement).value; }} />
      </div>
      <div class="field">
        <label for="range-to">Last day</label>
        <input id="range-to" type="date" required .value=${this.toDay} @input=${(e: Event) => { this.toDay = (e.target as HTMLInputElement).value; }} />
      </div>
      <button type="submit" class="danger">Delete events in these days…</button>
    </form>`;
  }

  #submit(event: SubmitEvent): void {
    event.preventDefault();
    const detail: RangeDeleteDetail = { range: dayRange(this.fromDay, this.toDay), fromDay: this.fromDay, toDay: this.toDay };
    this.dispatchEvent(new CustomEvent<RangeDeleteDetail>('persona-range-delete', { detail, bubbles: true, composed: true }));
  }
}
