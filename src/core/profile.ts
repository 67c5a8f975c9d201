// What Persona knows about the user as a whole: explicit preferences (highest priority), the summary, and traits.
import type { JsonValue } from './json';

export interface Preference {
  value: string;
  updatedAt: number;
}

export interface ProfileSummary {
  text: string;
  generatedAt: number;
  /** Set when the user edited the text: an edit wins over regeneration. */
  editedAt?: number;
  sourceEventIds: string[];
  /** Set when events it was written from were deleted: it must be written again without them. */
  staleSince?: number;
}

export interface Profile {
  /** 'user' for the visitor; persona and global priors get ids of their own in later schema steps. */
  id: string;
  preferences: Record<string, Preference>;
  summary?: ProfileSummary;
  traits: Record<string, JsonValue>;
  updatedAt: number;
}

export function emptyProfile(id: string, now: number): Profile {
  return { id, preferences: {}, traits: {}, updatedAt: now };
}
