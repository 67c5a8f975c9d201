/**
 * The Persona export format, version 1: newline-delimited JSON (UTF-8, "\n" after every line, no blank lines).
 *
 *   line 1      {"format":"persona-export","version":1,"createdAt":<ms>,"schemaVersion":<db schema>,
 *                "includes":{"vectors":<bool>}}
 *   lines 2…    {"type":"setting"|"profile"|"memory"|"feedback"|"event"|"segment","data":{…}}
 *               one record per line, as the store keeps it (events keep id, ts, recordedAt, embedState,
 *               embedModel, value and bytes). Written in that type order; readers accept any order except that
 *               a segment may only name events that came before it.
 *               Segments appear only when includes.vectors is true. They hold live slots only (compacted on
 *               export) and record their model and dimension: {"space","kind":"vectors"|"postings","model","dim",
 *               "ids":[…],"createdAt","vectors":<base64 float32 LE>} or {…,"postings":{"terms":[…],
 *               "termOffsets"|"docs"|"docLengths":<base64 uint32 LE>,"freqs":<base64 uint16 LE>}}.
 *   last line   {"type":"end","counts":{"event":n,"memory":n,"profile":n,"feedback":n,"setting":n,"segment":n}}
 *               so a truncated file is detected: a reader rejects a file without it or whose counts differ.
 *
 * Staging rows, meta and tombstones are never exported: they are bookkeeping, not the user's data.
 * An encrypted export wraps these same bytes; see encryption.ts. The format is also described in
 * docs/export-format.md.
 */
import type { StagedStore } from '../schema';

export const EXPORT_FORMAT = 'persona-export';
export const EXPORT_VERSION = 1;

/**
 * The longest line a reader accepts. Bounded so a hostile or corrupt file cannot make the import buffer gigabytes;
 * large enough for the biggest record Persona writes (a memory with a long history; segments are split to fit).
 */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

export const RECORD_TYPES = ['event', 'memory', 'profile', 'feedback', 'setting', 'segment'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];
export type TypeCounts = Record<RecordType, number>;

/** The object store each record type lives in. */
export const STORE_OF: Readonly<Record<RecordType, StagedStore>> = {
  event: 'events',
  memory: 'memories',
  profile: 'profile',
  feedback: 'feedback',
  setting: 'settings',
  segment: 'segments',
};

export const TYPE_OF: Readonly<Record<StagedStore, RecordType>> = {
  events: 'event',
  memories: 'memory',
  profile: 'profile',
  feedback: 'feedback',
  settings: 'setting',
  segments: 'segment',
};

export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  createdAt: number;
  schemaVersion: number;
  includes: { vectors: boolean };
}

export interface ExportTrailer {
  type: 'end';
  counts: TypeCounts;
}

export function zeroCounts(): TypeCounts {
  return { event: 0, memory: 0, profile: 0, feedback: 0, setting: 0, segment: 0 };
}

/** One line of the file, newline included. */
export function toLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}
