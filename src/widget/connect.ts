// How the element reaches Persona: one place that picks the connection for the widget's mode. Each mode's code is
// loaded when it is first needed, so the widget's entry stays small (its budget: scripts/size-budget.ts).
import type { SameOriginOptions } from './same-origin-connection';
import type { WidgetConnection, WidgetMode } from './widget-connection';
import { InvalidInputError } from '../core/errors';
import type { KnowledgeSource } from './widget-knowledge';

export interface ConnectOptions extends SameOriginOptions {
  mode: WidgetMode;
  /** Isolated mode: Persona's frame page on its own origin. */
  frameUrl?: string;
  /** Isolated mode: where the frame is placed. */
  container?: HTMLElement;
  signal?: AbortSignal;
}

export async function connectWidget(options: ConnectOptions): Promise<WidgetConnection | (WidgetConnection & KnowledgeSource)> {
  if (options.mode === 'isolated') {
    // The engine and the data stay in a frame on Persona's origin; this page only talks to it (isolated/).
    const { frameUrl, container, signal, model } = options;
    if (!frameUrl) throw new InvalidInputError('frameUrl', 'is needed in isolated mode: the URL of widget-frame.html on Persona\'s origin');
    if (!container) throw new InvalidInputError('container', 'is needed in isolated mode: where the frame goes');
    const { connectIsolated } = await import('./isolated/connect-isolated');
    const { frameUrlWithModel } = await import('./isolated/frame-model');
    return connectIsolated({ frameUrl: frameUrlWithModel(frameUrl, model), container, ...(signal ? { signal } : {}) });
  }
  const { connectSameOrigin } = await import('./same-origin-connection');
  const { model, priors, database, source } = options;
  return connectSameOrigin({ model, priors, database, source });
}
