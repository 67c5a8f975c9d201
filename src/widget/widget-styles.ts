// The widget's look, inside its shadow root (adopted style sheets). Host CSS can reach only the host element, never
// what is inside; and what the host element would pass down by inheritance (a `* { font: … }` on the host page, a
// `color` on body) stops at .root, which starts again from the initial values. The --persona-* tokens (theme.ts)
// still inherit, so a host restyles the widget by setting them on <persona-widget>, or through ::part().
// Sizes are px and em, never rem: rem follows the host page's root font size, which is the host's to change.
import { css } from 'lit';
import { buttonVariants, themeTokens } from '../ui/theme';

const widgetOwn = css`
  :host {
    display: contents;
    --persona-radius: 6px;
  }
  .root {
    all: initial;
    color-scheme: light dark;
    font-family: var(--persona-font);
    font-size: 15px;
    line-height: 1.5;
    color: var(--persona-fg);
  }
  :host([theme='light']) .root {
    color-scheme: light;
  }
  :host([theme='dark']) .root {
    color-scheme: dark;
  }
  .root *,
  .root *::before,
  .root *::after {
    box-sizing: border-box;
  }
  .launcher,
  .panel {
    position: fixed;
    z-index: 2147483000;
    inset: auto 1em 1em auto;
  }
  .root[data-position$='left'] .launcher,
  .root[data-position$='left'] .panel {
    inset-inline: 1em auto;
  }
  .root[data-position^='top'] .launcher {
    inset-block: 1em auto;
  }
  .panel {
    margin-block: 0 3.5em;
    width: min(24em, calc(100vw - 2em));
    max-height: min(36em, calc(100vh - 6em));
    display: flex;
    flex-direction: column;
    gap: 0.5em;
    padding: 0.75em;
    background: var(--persona-bg);
    color: var(--persona-fg);
    border: 1px solid var(--persona-border);
    border-radius: var(--persona-radius);
    box-shadow: 0 0.5em 2em rgb(0 0 0 / 0.25);
  }
  .root[data-position^='top'] .panel {
    inset-block: 1em auto;
    margin-block: 3.5em 0;
  }
  .panel[hidden] {
    display: none;
  }
  .launcher {
    border-radius: 999px;
    padding-inline: 1em;
    box-shadow: 0 0.25em 1em rgb(0 0 0 / 0.2);
  }
  header {
    display: flex;
    align-items: center;
    gap: 0.5em;
  }
  header h2 {
    flex: 1;
  }
  .tabs button[aria-pressed='true'] {
    background: var(--persona-accent);
    color: var(--persona-on-accent);
    border-color: var(--persona-accent);
  }
  .body {
    overflow-y: auto;
    min-height: 4em;
    flex: 1;
  }
  ol,
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.5em;
  }
  .turn {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .turn.user {
    font-weight: 600;
  }
  .known li {
    display: flex;
    gap: 0.5em;
    align-items: start;
    justify-content: space-between;
  }
  .known li span {
    overflow-wrap: anywhere;
  }
  form {
    display: flex;
    gap: 0.5em;
    align-items: end;
  }
  textarea {
    flex: 1;
    resize: vertical;
    min-height: 2.25em;
  }
  h2 {
    font-size: 1.1em;
    margin: 0;
  }
  h3 {
    font-size: 0.95em;
    margin: 0.75em 0 0.25em;
  }
  p {
    margin: 0;
  }
  button,
  textarea {
    font: inherit;
    color: inherit;
    letter-spacing: inherit;
    text-transform: none;
    margin: 0;
  }
  button {
    cursor: pointer;
    padding: 0.375em 0.75em;
    border: 1px solid var(--persona-border);
    border-radius: var(--persona-radius);
    background: var(--persona-surface);
    min-height: 2.25em;
  }
  ${buttonVariants}
  textarea {
    padding: 0.375em 0.5em;
    border: 1px solid var(--persona-border);
    border-radius: var(--persona-radius);
    background: var(--persona-bg);
  }
  :focus-visible {
    outline: 3px solid var(--persona-focus);
    outline-offset: 2px;
  }
  .muted {
    color: var(--persona-muted);
  }
  .alert:not(:empty) {
    padding: 0.5em 0.75em;
    border: 2px solid var(--persona-danger);
    border-radius: var(--persona-radius);
    overflow-wrap: anywhere;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
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
  button.small {
    min-height: 1.75em;
    padding: 0.125em 0.5em;
    font-size: 0.85em;
  }
`;

export const widgetStyles = [themeTokens, widgetOwn];
