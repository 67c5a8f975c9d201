// The widget's model loads on the first question, not before (a visitor who never asks downloads nothing), and only
// once: every question waits for the same load. A failed or stopped load is tried again by the next question.
import type { ModelSpec } from '../llm/model-spec';
import type { Persona } from '../persona';

export type ModelOnDemand = (signal?: AbortSignal) => Promise<void>;

/** Without a model, resolves at once: the engine's own error (ModelNotLoadedError) then says what to do. */
export function modelOnDemand(persona: Pick<Persona, 'models'>, model: ModelSpec | undefined): ModelOnDemand {
  let loading: Promise<unknown> | undefined;
  return async (signal) => {
    if (!model) return;
    loading ??= persona.models.load(model, signal ? { signal } : {}).catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    await loading;
  };
}
