// Styles Persona's small forms share (on top of baseStyles): a label on its own line above its field.
import { css } from 'lit';

export const fieldStyles = css`
  :host {
    display: block;
  }
  label {
    display: block;
    margin-bottom: 0.25rem;
  }
`;

/** A form whose fields stack one under another. */
export const stackedFormStyles = css`
  form {
    display: grid;
    gap: 0.5rem;
  }
`;
