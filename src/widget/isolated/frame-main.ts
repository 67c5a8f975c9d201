// The isolated widget frame's page: starts Persona's engine here, at Persona's own origin, and opens the message
// bridge to the page that embeds it. The listener is installed before anything is awaited, so no request sent once
// the frame has loaded is missed; requests wait for the engine.
import { describeError } from '../../ui/describe-error';
import { createPersona } from '../../persona';
import { FrameBridge } from './frame-bridge';
import { allowedWidgetHosts } from './widget-hosts';
import './frame.css';

const status = document.querySelector<HTMLElement>('#status');

function show(state: 'ready' | 'failed', text: string): void {
  if (!status) return;
  status.dataset.state = state;
  status.textContent = text;
}

const engine = createPersona();
const bridge = new FrameBridge({ engine, allowedOrigins: allowedWidgetHosts(), parent: window.parent });
window.addEventListener('message', (event) => void bridge.handle(event));

engine.then(
  () => {
    show('ready', 'Persona is ready. What it learns stays in this browser.');
  },
  (error: unknown) => {
    show('failed', `Persona could not start: ${describeError(error)}`);
  },
);
