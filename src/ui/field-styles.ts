// Styles every Persona form shares, so labels and blocks look the same in each component.
import { css } from 'lit';

export const fieldStyles = css`
  :host {
    display: block;
  }
  label {
    display: block;
    font-weight: 600;
    margin-bottom: 0.25rem;
  }
`;
