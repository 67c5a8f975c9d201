// "What Persona knows about you", compact, for the widget's panel: what the user said they prefer, a few memories,
// their top interests and what was recorded lately, each with a way to forget it. Only same-origin mode can offer
// it: the data lives at the host's origin there. In isolated mode the host never reads the profile.
import type { HistoryEvent } from '../core/history-event';

export interface WidgetKnowledge {
  preferences: readonly { key: string; value: string }[];
  memories: readonly { id: string; text: string }[];
  /** The strongest inferred interests, each as its few most telling words. */
  interests: readonly string[];
  /** What was recorded most recently, newest first. */
  recent: readonly { id: string; text: string; kind: HistoryEvent['kind'] }[];
}

/** What the panel can forget, one thing at a time. */
export type Forgettable = { kind: 'preference'; key: string } | { kind: 'memory'; id: string } | { kind: 'event'; id: string };

/** A connection that can show the user what it knows about them (same-origin mode). */
export interface KnowledgeSource {
  knowledge(): Promise<WidgetKnowledge>;
  forget(what: Forgettable): Promise<void>;
}

export function hasKnowledge<T extends object>(connection: T): connection is T & KnowledgeSource {
  return typeof (connection as Partial<KnowledgeSource>).knowledge === 'function' && typeof (connection as Partial<KnowledgeSource>).forget === 'function';
}
