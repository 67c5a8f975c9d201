// Same-origin mode: the widget runs Persona's engine itself, in workers at the host page's origin, so the user's data
// lives in that origin's IndexedDB. A thin adapter from createPersona() to the WidgetConnection the element talks to.
import type { HistoryEventInput } from '../core/history-event';
import type { EngineOpenOptions } from '../engine/engine-host';
import type { ModelSpec } from '../llm/model-spec';
import { createPersona, type Persona } from '../persona';
import { storedInterests } from '../ui/profile/profile-words';
import type { AskOptions, WidgetAnswer, WidgetConnection, WidgetRankOptions } from './widget-connection';
import type { Forgettable, KnowledgeSource, WidgetKnowledge } from './widget-knowledge';
import { modelOnDemand, type ModelOnDemand } from './model-on-demand';
import { rankOptions } from './widget-options';

export interface SameOriginOptions {
  /** The model `ask` answers with; loaded on the first question (nothing is downloaded before). */
  model?: ModelSpec;
  /** The host's personas and global defaults, the cold-start priors the engine mixes in. */
  priors?: EngineOpenOptions['priors'];
  /** The user's database at this origin (default Persona's, 'persona'). */
  database?: string;
  /** What `track` records as the events' source unless an event names its own: users can opt out per source. */
  source?: string;
}

const KNOWN = { memories: 5, interests: 3, recent: 5 } as const;

export async function connectSameOrigin(options: SameOriginOptions = {}): Promise<WidgetConnection & KnowledgeSource> {
  const persona = await createPersona({
    ...(options.database === undefined ? {} : { name: options.database }),
    ...(options.priors === undefined ? {} : { priors: options.priors }),
  });
  return new SameOriginConnection(persona, options);
}

class SameOriginConnection implements WidgetConnection, KnowledgeSource {
  readonly mode = 'same-origin' as const;
  readonly #modelReady: ModelOnDemand;

  constructor(
    private readonly persona: Persona,
    private readonly options: SameOriginOptions,
  ) {
    this.#modelReady = modelOnDemand(persona, options.model);
  }

  async track(event: HistoryEventInput | readonly HistoryEventInput[]): Promise<void> {
    const source = this.options.source;
    const withSource = (one: HistoryEventInput) => (source === undefined || one.source !== undefined ? one : { ...one, source });
    await this.persona.record(Array.isArray(event) ? (event as readonly HistoryEventInput[]).map(withSource) : withSource(event as HistoryEventInput));
  }

  async rank(items: Parameters<WidgetConnection['rank']>[0], options: WidgetRankOptions = {}) {
    return this.persona.rank(items, rankOptions(options));
  }

  async ask(prompt: string, options: AskOptions = {}): Promise<WidgetAnswer> {
    try {
      await this.#modelReady(options.signal);
    } catch (error) {
      // Stopped while the model was still loading: an answer with nothing in it yet, like a stop after the start.
      if (options.signal?.aborted) return { text: '', stopped: true };
      throw error;
    }
    const answer = await this.persona.chat([{ role: 'user', content: prompt }], {
      ...(options.onToken ? { onToken: options.onToken } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { text: answer.text, stopped: answer.finishReason === 'abort' };
  }

  async knowledge(): Promise<WidgetKnowledge> {
    const [profile, memories, page] = await Promise.all([
      this.persona.profile.get(),
      this.persona.memories.list(),
      this.persona.events.list({ limit: KNOWN.recent }),
    ]);
    return {
      preferences: Object.entries(profile.preferences).map(([key, preference]) => ({ key, value: preference.value })),
      memories: memories.slice(0, KNOWN.memories).map(({ id, text }) => ({ id, text })),
      interests: storedInterests(profile.traits).slice(0, KNOWN.interests).map((interest) => interest.label.slice(0, 3).join(', ')),
      recent: page.events.map(({ id, text, kind }) => ({ id, text, kind })),
    };
  }

  async forget(what: Forgettable): Promise<void> {
    if (what.kind === 'preference') await this.persona.profile.removePreference(what.key);
    else if (what.kind === 'memory') await this.persona.memories.delete(what.id);
    else await this.persona.events.delete(what.id);
  }

  close(): Promise<void> {
    return this.persona.close();
  }
}
