// What a host page can ask of Persona through the widget, whichever mode it runs in. In 'same-origin' mode the
// connection is the Persona engine itself, running at the host's origin; in 'isolated' mode it is a postMessage
// channel to an iframe served from Persona's own origin, where the engine and the user's data live. Only the answers
// and rankings the host asked for cross that boundary — never the profile, the memories or the history.
import type { HistoryEventInput } from '../core/history-event';
import type { RankedItem } from '../core/ranking';
import type { RankInput } from '../engine/persona-engine';

export type WidgetMode = 'same-origin' | 'isolated';

/** An answer as the host receives it: its text, and whether it was stopped before the end. */
export interface WidgetAnswer {
  readonly text: string;
  readonly stopped: boolean;
}

export interface AskOptions {
  /** Each streamed piece of the answer, in order. */
  onToken?: (piece: string) => void;
  /** Stops generation; the answer so far is kept and marked `stopped`. */
  signal?: AbortSignal;
}

/** What the host may rank with, beside the items (a subset of the engine's options: no user data goes in). */
export interface WidgetRankOptions {
  /** Candidates returned, best first (default: all). */
  limit?: number;
  /** MMR diversity, 0 (off) to 1. */
  diversity?: number;
}

export interface WidgetConnection {
  readonly mode: WidgetMode;
  /** Records interactions on the user's device (a read, a click, a rating, …). */
  track(event: HistoryEventInput | readonly HistoryEventInput[]): Promise<void>;
  /** Orders the host's items for this user, each with a reason. */
  rank(items: readonly RankInput[], options?: WidgetRankOptions): Promise<RankedItem[]>;
  /** Asks the local model, personalized with the user's history; streams through `onToken`. */
  ask(prompt: string, options?: AskOptions): Promise<WidgetAnswer>;
  /** Lets go of the engine (same-origin) or the frame (isolated). */
  close(): Promise<void>;
}
