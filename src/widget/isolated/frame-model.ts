// The model an isolated frame answers with: named in the frame's own URL (`widget-frame.html?model=<GGUF URL>`, set
// by the widget from its model attributes) and loaded on the first `ask`. The URL is resolved against the frame page
// and checked by the engine like any model URL: Persona's origin or a host in the build's PERSONA_MODEL_HOSTS, so a
// host page cannot make the frame fetch from anywhere else (ModelHostNotAllowedError).
import type { ModelSpec } from '../../llm/model-spec';
import type { Persona } from '../../persona';
import { modelOnDemand } from '../model-on-demand';
import { modelFromAttributes } from '../widget-options';
import type { BridgeEngine } from './frame-bridge';

/** The frame URL's query parameters that name the model. */
export const FRAME_MODEL_PARAM = 'model';
export const FRAME_MODEL_ID_PARAM = 'model-id';

export function frameModel(href: string): ModelSpec | undefined {
  const query = new URL(href).searchParams;
  return modelFromAttributes(query.get(FRAME_MODEL_ID_PARAM) ?? undefined, query.get(FRAME_MODEL_PARAM) ?? undefined, undefined, href);
}

/** The frame URL for `model`: the widget's frame page with the model named in its query. */
export function frameUrlWithModel(frameUrl: string, model: ModelSpec | undefined): string {
  const source = model?.gguf;
  // Only a model at a URL can be named to the frame (a Blob the host holds cannot cross to Persona's origin).
  if (!model || !source || !('url' in source)) return frameUrl;
  const url = source.url;
  const withModel = new URL(frameUrl);
  withModel.searchParams.set(FRAME_MODEL_PARAM, url);
  withModel.searchParams.set(FRAME_MODEL_ID_PARAM, model.id);
  return withModel.href;
}

/** The engine as the bridge uses it, with the model loaded before the first answer. */
export function askingWithModel(persona: Persona, model: ModelSpec | undefined): BridgeEngine {
  const ready = modelOnDemand(persona, model);
  return {
    record: (input) => persona.record(input),
    rank: (items, options) => persona.rank(items, options),
    events: persona.events,
    chat: async (conversation, options) => {
      await ready(options?.signal);
      return persona.chat(conversation, options);
    },
  };
}
