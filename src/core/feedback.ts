// What the user said about an answer: the signal the preference model learns from.

export const FEEDBACK_SIGNALS = ['up', 'down', 'edit', 'regenerate', 'copy'] as const;
export type FeedbackSignal = (typeof FEEDBACK_SIGNALS)[number];

export interface Feedback {
  id: string;
  answerId: string;
  signal: FeedbackSignal;
  ts: number;
  /** The user's corrected answer when signal is 'edit'. */
  editedText?: string;
  note?: string;
}
