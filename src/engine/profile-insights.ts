// Inferred interests and style traits, computed from the user's own data and stored in the profile's traits where
// the profile view and prompts read them: interests from the newest embedded events (clustered, labelled, weighted
// by frequency and recency, with a weekly trend), style from the user's own messages and notes. Recomputed from
// what is stored, so a deleted event leaves no trace after the next update.
import type { HistoryEvent } from '../core/history-event';
import { InterestModel, type Interest } from '../core/interests';
import { styleTraits, type StyleTraits } from '../core/style-traits';
import { wordsTokenizer } from '../core/tokenizer';
import { EmbeddingQueue } from '../store/embedding-queue';
import type { PersonaStore } from '../store/persona-store';

/** An interest as the profile stores it: plain JSON (the centroid stays in memory), its newest 20 events kept. */
export type StoredInterest = Omit<Interest, 'centroid'>;

export interface ProfileInsights {
  interests: StoredInterest[];
  style: StyleTraits;
}

export interface InsightOptions {
  /** Newest embedded events clustered (default 5,000). */
  maxItems?: number;
  /** The user's own newest messages and notes read for style (default 500). */
  maxMessages?: number;
  seed?: number;
  /** The embedding model whose vectors are clustered (default: the history's active model). */
  model?: string;
}

/** Whose words an event carries: the user's own (notes, their messages), not the assistant's answers. */
function usersOwn(event: HistoryEvent): boolean {
  return event.role !== 'assistant' && event.role !== 'system';
}

export async function computeInsights(store: PersonaStore, now: number, options: InsightOptions = {}): Promise<ProfileInsights> {
  const model = options.model ?? (await new EmbeddingQueue(store.connection).activeModel())?.model;
  const loaded = model ? await store.segments.loadVectors(model) : undefined;
  const interests: StoredInterest[] = [];
  if (loaded && loaded.ids.length > 0) {
    // Segments are in embedding order, which follows recording order: the tail is the newest history.
    const take = Math.min(loaded.ids.length, options.maxItems ?? 5_000);
    const start = loaded.ids.length - take;
    const ids = loaded.ids.slice(start);
    const events = await store.events.getMany(ids);
    const clusters = new InterestModel(options.seed === undefined ? {} : { seed: options.seed });
    const items = [];
    for (let i = 0; i < ids.length; i++) {
      const event = events[i];
      if (!event || !usersOwn(event)) continue;
      const vector = loaded.vectors.subarray((start + i) * loaded.dim, (start + i + 1) * loaded.dim);
      if (!vector.some((x) => x !== 0)) continue;
      items.push({ id: event.id, vector, terms: wordsTokenizer.termFrequencies(event.text), ts: event.ts });
    }
    clusters.add(items);
    for (const interest of clusters.interests(now)) {
      interests.push({
        id: interest.id,
        label: interest.label,
        weight: interest.weight,
        count: interest.count,
        lastSeen: interest.lastSeen,
        trend: interest.trend,
        eventIds: interest.eventIds.slice(0, 20),
      });
    }
  }
  const page = await store.events.list({ limit: Math.min(1_000, options.maxMessages ?? 500) });
  const own = page.events.filter((event) => usersOwn(event) && (event.kind === 'message' || event.kind === 'note'));
  return { interests, style: styleTraits(own.map((event) => ({ text: event.text, ts: event.ts }))) };
}

/** Computes the insights and stores them in the profile's traits (other traits are kept). */
export async function updateInsights(store: PersonaStore, now: number, options: InsightOptions = {}): Promise<ProfileInsights> {
  const insights = await computeInsights(store, now, options);
  const profile = await store.profile.get();
  await store.profile.setTraits({ ...profile.traits, interests: insights.interests, style: insights.style });
  return insights;
}
