// The one typed layout of Persona's IndexedDB database. Every store's key, value and index types are checked at
// compile time through idb's DBSchema; migrations.ts builds this layout step by step.
import type { DBSchema } from 'idb';
import type { Feedback } from '../core/feedback';
import type { EmbedState, EventKind, HistoryEvent } from '../core/history-event';
import type { JsonValue } from '../core/json';
import type { Memory } from '../core/memory';
import type { PostingsPayload } from '../core/postings';
import type { Profile } from '../core/profile';

export type SegmentKind = 'vectors' | 'postings';

/**
 * Many vectors (or one inverted-index batch) in one record: a few large reads load 100k items, where one record per
 * item would take a hundred thousand. Segments are immutable once written; deletes are tombstones until compaction
 * rewrites the segment.
 */
export interface SegmentRecord {
  /** Auto-incremented: a later segment's copy of an id supersedes an earlier one. */
  seq?: number;
  /** 'vectors:<model>' or 'postings:<tokenizer>'; one space is one index. */
  space: string;
  kind: SegmentKind;
  /** Embedding model or tokenizer id, recorded rather than assumed. */
  model: string;
  /** Vector dimension (0 for postings), recorded rather than assumed. */
  dim: number;
  /** Event id of each slot. */
  ids: string[];
  createdAt: number;
  /** ids.length × dim floats, slot-major. */
  vectors?: Float32Array;
  postings?: PostingsPayload;
}

/** A stored segment, which always has its key. */
export type StoredSegment = SegmentRecord & { seq: number };

/** An id deleted from a space: it hides that id in every segment with seq ≤ `seq` until compaction. */
export interface Tombstone {
  space: string;
  id: string;
  seq: number;
}

export interface Setting {
  key: string;
  value: JsonValue;
  updatedAt: number;
}

export type MetaRecord =
  | { key: 'schema'; version: number; migratedAt: number; history: { version: number; at: number }[] }
  | { key: 'stats'; events: number; bytes: number }
  | { key: 'changes'; seq: number }
  | { key: 'embedder'; model: string; dim: number; updatedAt: number; requeued?: boolean }
  | LockRecord;

/**
 * The opt-in lock (lock/lock-store.ts): how to re-derive and check the key, never the key or the passphrase.
 * Absent when the lock is off.
 */
export interface LockRecord {
  key: 'lock';
  kdf: 'PBKDF2-SHA-256';
  iterations: number;
  /** Base64, 16 random bytes, drawn when the lock is enabled. */
  salt: string;
  /** Base64 SHA-256 of the KDF output's second half (see passphrase-key.ts). */
  verifier: string;
  locked: boolean;
  enabledAt: number;
  changedAt: number;
  /** Lock by itself after this long with no use of Persona in any tab (ms); absent: only when asked. */
  autoLockMs?: number;
}

export type MetaKey = MetaRecord['key'];

export type StagedStore = 'events' | 'memories' | 'profile' | 'feedback' | 'settings' | 'segments';

/** A validated import record waiting for the one transaction that applies the whole import. */
export interface StagedRecord {
  importId: string;
  n: number;
  store: StagedStore;
  value: unknown;
}

export interface PersonaDB extends DBSchema {
  events: {
    key: string;
    value: HistoryEvent;
    indexes: {
      'by-ts': number;
      'by-kind': [EventKind, number];
      'by-source': [string, number];
      'by-item': string;
      'by-embed': [EmbedState, number];
      'by-value': [number, number];
      'by-session': [string, number];
    };
  };
  segments: { key: number; value: SegmentRecord; indexes: { 'by-space': string } };
  tombstones: { key: [string, string]; value: Tombstone; indexes: { 'by-space': string } };
  memories: { key: string; value: Memory; indexes: { 'by-updated': number; 'by-source': string } };
  profile: { key: string; value: Profile };
  feedback: { key: string; value: Feedback; indexes: { 'by-answer': string; 'by-ts': number } };
  settings: { key: string; value: Setting };
  meta: { key: MetaKey; value: MetaRecord };
  staging: { key: [string, number]; value: StagedRecord; indexes: { 'by-import': string } };
}

export type PersonaStoreName = 'events' | 'segments' | 'tombstones' | 'memories' | 'profile' | 'feedback' | 'settings' | 'meta' | 'staging';

/** Stores whose contents are the user's data (staging and meta are Persona's bookkeeping). */
export const USER_DATA_STORES = ['events', 'segments', 'tombstones', 'memories', 'profile', 'feedback', 'settings'] as const;

/**
 * Stores whose values carry the user's content (text, metadata, summaries, preferences, keyword postings, vectors):
 * the lock seals every value in them, and while locked the connection refuses to read or write them. Settings,
 * tombstones (ids only), staging and meta stay readable: Persona's choices and bookkeeping, not the user's words.
 */
export const LOCKED_STORES = ['events', 'segments', 'memories', 'profile', 'feedback'] as const;
export type LockedStoreName = (typeof LOCKED_STORES)[number];
