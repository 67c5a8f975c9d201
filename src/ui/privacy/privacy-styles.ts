// What the Data & privacy panels share beyond baseStyles: each panel is a titled block with its fields stacked.
import { css } from 'lit';

export const panelStyles = css`
  :host {
    margin-bottom: 1.5rem;
  }
  h3 {
    margin-top: 0;
  }
  p {
    margin: 0.25rem 0 0.5rem;
  }
  form {
    display: grid;
    /* minmax(0, …): a file input's or fieldset's own minimum width must not widen the form past a phone screen. */
    grid-template-columns: minmax(0, 1fr);
    gap: 0.75rem;
  }
  fieldset {
    min-inline-size: 0;
  }
  input[type='file'] {
    width: 100%;
  }
  label {
    display: block;
  }
  .check label,
  label.check {
    display: inline;
    font-weight: normal;
  }
  input[type='text'],
  input[type='password'] {
    width: min(100%, 24rem);
  }
`;
