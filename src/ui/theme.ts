// The app's and widget's colours and spacing as CSS custom properties, set once on the root element and inherited
// through every shadow root. light-dark() picks the value for the element's color-scheme: the OS's by default, or
// the one the `theme` attribute forces. Hosts restyle Persona by overriding these properties.
import { css } from 'lit';

export const themeTokens = css`
  :host {
    color-scheme: light dark;
    --persona-bg: light-dark(#ffffff, #121417);
    --persona-surface: light-dark(#f4f5f7, #1d2026);
    --persona-fg: light-dark(#1b1d21, #e8eaed);
    --persona-muted: light-dark(#545a64, #a9afb9);
    --persona-border: light-dark(#c9ced6, #3b414b);
    --persona-accent: light-dark(#1f5fbf, #8ab4f8);
    --persona-on-accent: light-dark(#ffffff, #0b1a33);
    --persona-danger: light-dark(#b3261e, #f2b8b5);
    --persona-ok: light-dark(#1e6b34, #8fd6a2);
    --persona-focus: light-dark(#0b57d0, #a8c7fa);
    --persona-radius: 0.375rem;
    --persona-font: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    --persona-mono: ui-monospace, 'SF Mono', Menlo, Consolas, monospace;
    background: var(--persona-bg);
    color: var(--persona-fg);
    font-family: var(--persona-font);
  }
  :host([theme='light']) {
    color-scheme: light;
  }
  :host([theme='dark']) {
    color-scheme: dark;
  }
`;

/** The button variants every Persona surface shares (the app's views and the widget), in the theme's colours. */
export const buttonVariants = css`
  button.primary {
    background: var(--persona-accent);
    color: var(--persona-on-accent);
    border-color: var(--persona-accent);
  }
  button.danger {
    color: var(--persona-danger);
    border-color: var(--persona-danger);
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }
`;

/**
 * What every view shares: headings, buttons, fields, the focus ring, alerts and muted text, all from the tokens, so
 * a view only styles what is its own.
 */
export const baseStyles = css`
  :host {
    display: block;
    line-height: 1.5;
  }
  h2 {
    font-size: 1.25rem;
    margin: 0 0 0.75rem;
  }
  h3 {
    font-size: 1.05rem;
    margin: 1.25rem 0 0.5rem;
  }
  a {
    color: var(--persona-accent);
  }
  button,
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
  }
  button {
    cursor: pointer;
    padding: 0.375rem 0.75rem;
    border: 1px solid var(--persona-border);
    border-radius: var(--persona-radius);
    background: var(--persona-surface);
    min-height: 2.25rem;
  }
  ${buttonVariants}
  input,
  select,
  textarea {
    padding: 0.375rem 0.5rem;
    border: 1px solid var(--persona-border);
    border-radius: var(--persona-radius);
    background: var(--persona-bg);
    max-width: 100%;
    box-sizing: border-box;
  }
  :focus-visible {
    outline: 3px solid var(--persona-focus);
    outline-offset: 2px;
  }
  label {
    font-weight: 600;
  }
  .muted {
    color: var(--persona-muted);
  }
  .alert:not(:empty) {
    margin: 0.75rem 0;
    padding: 0.5rem 0.75rem;
    border: 2px solid var(--persona-danger);
    border-radius: var(--persona-radius);
    overflow-wrap: anywhere;
  }
  .card {
    border: 1px solid var(--persona-border);
    border-radius: var(--persona-radius);
    background: var(--persona-surface);
    padding: 0.75rem;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  progress {
    width: 100%;
    accent-color: var(--persona-accent);
  }
`;
