// The isolated widget frame's page: starts Persona's engine here, at Persona's own origin, and opens the message
// bridge to the page that embeds it. The listener is installed before anything is awaited, so no request sent once
// the frame has loaded is missed; requests wait for the engine.
import { StorageBlockedError } from '../../core/errors';
import { describeError } from '../../ui/describe-error';
import { createPersona } from '../../persona';
import { FrameBridge } from './frame-bridge';
import { askingWithModel, frameModel } from './frame-model';
import { allowedWidgetHosts } from './widget-hosts';
import './frame.css';

const status = document.querySelector<HTMLElement>('#status');

function show(state: 'ready' | 'failed', text: string): void {
  if (!status) return;
  status.dataset.state = state;
  status.textContent = text;
}

/** Whether the browser refuses this frame any storage (third-party storage blocked): then no engine can start. */
function storageBlocked(): boolean {
  try {
    return typeof localStorage.length !== 'number';
  } catch {
    return true;
  }
}

// Refused by name up front, so the host hears why at once rather than a store failing deep in the worker.
const engine = storageBlocked() ? Promise.reject(new StorageBlockedError(location.origin)) : createPersona().then((persona) => askingWithModel(persona, frameModel(location.href)));
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
