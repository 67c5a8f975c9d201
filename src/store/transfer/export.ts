// Streams the user's data out as the NDJSON export format (format.ts), optionally encrypted. Stores are read in
// key-ordered chunks, each in its own short readonly transaction that finishes before the chunk is handed on: an
// IndexedDB transaction commits as soon as its requests are done, so none may stay open while the reader of the
// stream takes its time. 100k events therefore pass through a few hundred at a time.
import { PersonaError } from '../../core/errors';
import { buildPostings, documentsOf, facetsOf } from '../../core/postings';
import type { StoreConnection } from '../connection';
import { DEFAULT_SEGMENT_SIZE, SegmentStore, type LoadedSegment, type LoadedSpace } from '../segments';
import type { SegmentRecord } from '../schema';
import { encryptStream } from './encryption';
import { EXPORT_FORMAT, EXPORT_VERSION, MAX_LINE_BYTES, toLine, zeroCounts, type ExportHeader, type RecordType } from './format';
import { encodeSegment, type ExportedSegment } from './segment-codec';

export interface ExportOptions {
  /** Also export vector and keyword segments (large; they can be rebuilt from the events). Default false. */
  includeVectors?: boolean;
  /** Encrypts the export (encryption.ts); the same passphrase is needed to import it. */
  passphrase?: string;
  /** PBKDF2 iterations for the passphrase; default 600,000. Lower (down to 100,000) only for tests. */
  iterations?: number;
}

const CHUNK_RECORDS = 500;
// Segment lines stay under this many characters (at most 3 bytes each in UTF-8, so well inside MAX_LINE_BYTES);
// a larger segment is split into several.
const SEGMENT_LINE_CHARS = Math.floor(MAX_LINE_BYTES / 4);

type KeyedStore = 'settings' | 'profile' | 'memories' | 'feedback' | 'events';

// Small stores first, events last: a reader sees the settings before the bulk, and segments follow the events
// they index.
const KEYED_STORES: readonly [RecordType, KeyedStore][] = [
  ['setting', 'settings'],
  ['profile', 'profile'],
  ['memory', 'memories'],
  ['feedback', 'feedback'],
  ['event', 'events'],
];

export function exportData(connection: StoreConnection, options: ExportOptions = {}): ReadableStream<Uint8Array> {
  // Checks the passphrase and iterations now, so a bad option fails the call rather than the stream.
  const encryptor = options.passphrase === undefined ? undefined : encryptStream(options.passphrase, { iterations: options.iterations });
  const plain = linesToStream(exportLines(connection, options.includeVectors ?? false));
  return encryptor ? plain.pipeThrough(encryptor) : plain;
}

function linesToStream(lines: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await lines.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        await lines.return(undefined);
      },
    },
    // Read nothing ahead of the consumer: each pull reads one chunk from the database.
    { highWaterMark: 0 },
  );
}

/** The file's text, a chunk of lines at a time. */
async function* exportLines(connection: StoreConnection, includeVectors: boolean): AsyncGenerator<string> {
  const counts = zeroCounts();
  const header: ExportHeader = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    createdAt: connection.clock(),
    schemaVersion: connection.db.version,
    includes: { vectors: includeVectors },
  };
  yield toLine(header);
  // Events recorded while the export streams may reach the segments but not the events section; an import
  // refuses a segment naming an event the file lacks, so segments keep only the events the file holds.
  const exportedEvents = new Set<string>();
  for (const [type, store] of KEYED_STORES) {
    for await (const records of readInChunks(connection, store)) {
      counts[type] += records.length;
      if (type === 'event') for (const record of records) exportedEvents.add((record as { id: string }).id);
      yield records.map((data) => recordLine(type, data)).join('');
    }
  }
  if (includeVectors) {
    for await (const segment of liveSegments(connection, exportedEvents)) {
      counts.segment++;
      yield recordLine('segment', segment);
    }
  }
  yield toLine({ type: 'end', counts });
}

function recordLine(type: RecordType, data: unknown): string {
  const line = toLine({ type, data });
  // Only a line of over a third of the limit in characters can exceed it in bytes; measure just those.
  if (line.length * 3 > MAX_LINE_BYTES && new TextEncoder().encode(line).length > MAX_LINE_BYTES) {
    throw new PersonaError(`Export stopped: one ${type} is larger than ${MAX_LINE_BYTES} bytes, more than an import accepts.`);
  }
  return line;
}

/** Every record of a store in key order, CHUNK_RECORDS per readonly transaction, resuming after the last key. */
async function* readInChunks(connection: StoreConnection, store: KeyedStore): AsyncGenerator<unknown[]> {
  let after: string | undefined;
  for (;;) {
    const objects = connection.read([store]).objectStore(store);
    const range = after === undefined ? null : IDBKeyRange.lowerBound(after, true);
    const [records, keys] = await Promise.all([objects.getAll(range, CHUNK_RECORDS), objects.getAllKeys(range, CHUNK_RECORDS)]);
    if (records.length === 0) return;
    // The transaction has finished by now: nothing is held open while the consumer reads.
    yield records;
    after = keys.at(-1);
    if (records.length < CHUNK_RECORDS) return;
  }
}

/**
 * Each space's live slots as fresh segments: superseded and tombstoned slots are dropped (a compaction), and the
 * tombstones themselves are not exported. One space is loaded at a time, as a search index loads it anyway.
 */
async function* liveSegments(connection: StoreConnection, exportedEvents: ReadonlySet<string>): AsyncGenerator<ExportedSegment> {
  const segments = new SegmentStore(connection);
  for (const space of await segments.spaceNames()) {
    const loaded = await segments.load(space);
    if (!loaded) continue;
    for (const segment of loaded.segments) yield* splitLive(loaded, segment, exportedEvents, connection.clock());
  }
}


function* splitLive(space: LoadedSpace, segment: LoadedSegment, exportedEvents: ReadonlySet<string>, now: number): Generator<ExportedSegment> {
  const slots = segment.ids.flatMap((id, slot) => (segment.live[slot] && exportedEvents.has(id) ? [slot] : []));
  const documents = segment.postings ? documentsOf(segment.postings) : [];
  const facets = segment.postings ? facetsOf(segment.postings) : [];
  const make = (start: number, end: number): SegmentRecord => {
    const picked = slots.slice(start, end);
    const base = { space: space.space, kind: space.kind, model: space.model, dim: space.dim, ids: picked.map((slot) => segment.ids[slot] as string), createdAt: now };
    if (space.kind === 'postings') {
      const terms = picked.map((slot) => documents[slot] as Map<string, number>);
      return { ...base, postings: buildPostings(terms, picked.map((slot) => facets[slot])) };
    }
    const source = segment.vectors ?? new Float32Array(0);
    const vectors = new Float32Array(picked.length * space.dim);
    picked.forEach((slot, i) => {
      vectors.set(source.subarray(slot * space.dim, (slot + 1) * space.dim), i * space.dim);
    });
    return { ...base, vectors };
  };
  for (let start = 0; start < slots.length; start += DEFAULT_SEGMENT_SIZE) {
    yield* fitting(start, Math.min(slots.length, start + DEFAULT_SEGMENT_SIZE), make);
  }
}

/** Halves a range of slots until its line fits SEGMENT_LINE_CHARS (a single slot always goes out as it is). */
function* fitting(start: number, end: number, make: (start: number, end: number) => SegmentRecord): Generator<ExportedSegment> {
  const encoded = encodeSegment(make(start, end));
  if (end - start === 1 || JSON.stringify(encoded).length <= SEGMENT_LINE_CHARS) {
    yield encoded;
    return;
  }
  const middle = (start + end) >>> 1;
  yield* fitting(start, middle, make);
  yield* fitting(middle, end, make);
}
