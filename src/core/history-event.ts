// The interaction history: what a visitor did, as Persona stores it.
import type { JsonObject } from './json';

export const EVENT_KINDS = [
  'message',
  'view',
  'click',
  'rating',
  'search',
  'purchase',
  'note',
  'preference',
  'bookmark',
  'share',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const MESSAGE_ROLES = ['user', 'assistant', 'system'] as const;
export type MessageRole = (typeof MESSAGE_ROLES)[number];

/** Where an event is in the embedding queue: events are stored first and embedded after. */
export type EmbedState = 'pending' | 'done' | 'failed' | 'skipped';

/**
 * How much an event is worth keeping when the retention policy must free space: passive signals go first,
 * things the user said or chose last.
 */
export const RETENTION_VALUE: Readonly<Record<EventKind, number>> = {
  view: 0,
  click: 0,
  search: 0,
  share: 1,
  bookmark: 1,
  purchase: 1,
  rating: 1,
  message: 2,
  note: 2,
  preference: 2,
};

/** An event as a host or the app hands it to `record()`, before validation. */
export interface HistoryEventInput {
  /** Stable id from the host, for idempotent replays; generated when absent. */
  id?: string;
  /** When it happened: ms since the epoch or a Date; defaults to now. */
  ts?: number | Date;
  kind: EventKind;
  text: string;
  role?: MessageRole;
  itemId?: string;
  rating?: number;
  url?: string;
  metadata?: JsonObject;
  /** Who recorded it ('app', 'widget:example.org', …); defaults to 'app'. Users can opt out per source. */
  source?: string;
  sessionId?: string;
}

/** A stored event. */
export interface HistoryEvent {
  id: string;
  ts: number;
  kind: EventKind;
  text: string;
  role?: MessageRole;
  itemId?: string;
  rating?: number;
  url?: string;
  metadata?: JsonObject;
  source: string;
  sessionId?: string;
  /** When Persona stored it (ts is when it happened). */
  recordedAt: number;
  embedState: EmbedState;
  /** Model id of the vector when embedState is 'done'. */
  embedModel?: string;
  /** RETENTION_VALUE of the kind, stored so one index walks oldest low-value events first. */
  value: number;
  /** Approximate stored size in bytes, for the retention policy's byte limit. */
  bytes: number;
}

/** What retrieval filters and recency need of an event, kept beside its keyword postings. */
export type EventFacets = Pick<HistoryEvent, 'ts' | 'kind' | 'source'>;

/** Approximate bytes an event occupies: UTF-16 text plus its JSON fields. Stable, cheap, and monotone in content. */
export function approximateEventBytes(event: Omit<HistoryEvent, 'bytes'>): number {
  return JSON.stringify(event).length * 2;
}
