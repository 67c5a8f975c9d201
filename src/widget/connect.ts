// How the element reaches Persona: one place that picks the connection for the widget's mode. Each mode's code is
// loaded when it is first needed, so the widget's entry stays small (its budget: scripts/size-budget.ts).
import type { SameOriginOptions } from './same-origin-connection';
import type { WidgetConnection, WidgetMode } from './widget-connection';
import { WidgetModeUnavailableError } from './widget-errors';
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
    // The isolated connection (an iframe on Persona's origin, over postMessage) joins the build at merge.
    throw new WidgetModeUnavailableError('isolated');
  }
  const { connectSameOrigin } = await import('./same-origin-connection');
  const { model, priors, database, source } = options;
  return connectSameOrigin({ model, priors, database, source });
}
