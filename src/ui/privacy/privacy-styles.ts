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
    gap: 0.75rem;
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
