// Vectors and keyword postings stored as segments: a few large immutable records per index ("space") instead of
// one record per item, so 100k items load in a handful of reads. Deletes are tombstones; compaction rewrites the
// affected segments without them. The model id and dimension are recorded with every segment and checked on load.
import { SegmentIntegrityError, InvalidInputError } from '../core/errors';
import type { EventFacets } from '../core/history-event';
import { buildPostings, documentsOf, facetsOf, type PostingsPayload } from '../core/postings';
import { describeChange, type StoreChange } from './change-feed';
import type { StoreConnection, TxWith, WriteTx } from './connection';
import { readStats } from './stats';
import type { SegmentKind, SegmentRecord, StoredSegment, Tombstone } from './schema';

export const DEFAULT_SEGMENT_SIZE = 1_024;

export interface LoadedSegment {
  seq: number;
  ids: string[];
  vectors?: Float32Array;
  postings?: PostingsPayload;
  /** 1 where the slot is live: not tombstoned and not superseded by a later segment. */
  live: Uint8Array;
}

export interface LoadedSpace {
  space: string;
  kind: SegmentKind;
  model: string;
  dim: number;
  segments: LoadedSegment[];
  liveCount: number;
}

export interface SpaceInfo {
  space: string;
  kind: SegmentKind;
  model: string;
  dim: number;
  segments: number;
  entries: number;
  tombstones: number;
}

export function vectorSpace(model: string): string {
  return `vectors:${model}`;
}

export function postingsSpace(tokenizer: string): string {
  return `postings:${tokenizer}`;
}

export class SegmentStore {
  constructor(
    private readonly connection: StoreConnection,
    private readonly segmentSize = DEFAULT_SEGMENT_SIZE,
  ) {}

  /**
   * Appends the vectors of events (`vectors` holds ids.length × dim floats) and marks those events embedded with
   * `model`, in one transaction. Ids of events deleted meanwhile are skipped.
   */
  async appendVectors(model: string, dim: number, ids: readonly string[], vectors: Float32Array): Promise<number> {
    if (!Number.isInteger(dim) || dim < 1 || dim > 65_536) throw new InvalidInputError('dim', 'must be a whole number from 1 to 65536');
    if (vectors.length !== ids.length * dim) {
      throw new InvalidInputError('vectors', `holds ${vectors.length} floats; ${ids.length} ids × ${dim} dimensions need ${ids.length * dim}`);
    }
    const space = vectorSpace(model);
    return this.connection.write(['events', 'segments', 'tombstones'], async (tx, changes) => {
      const clash = await spaceConflict(tx, { space, kind: 'vectors', model, dim });
      if (clash) throw new SegmentIntegrityError(`Space ${space} holds ${clash}; refusing to add vectors with dimension ${dim}.`);
      const events = tx.objectStore('events');
      const keptIds: string[] = [];
      const kept = new Float32Array(vectors.length);
      // Pipelined: all reads issued at once, then all updates (see EventLog.record).
      const found = await Promise.all(ids.map((id) => events.get(id)));
      const updates: Promise<unknown>[] = [];
      found.forEach((event, i) => {
        if (!event) return;
        kept.set(vectors.subarray(i * dim, (i + 1) * dim), keptIds.length * dim);
        keptIds.push(event.id);
        updates.push(events.put({ ...event, embedState: 'done', embedModel: model }));
      });
      await Promise.all(updates);
      const stored = kept.slice(0, keptIds.length * dim);
      await this.#writeChunks(tx, keptIds, (start, end) => ({
        space,
        kind: 'vectors',
        model,
        dim,
        ids: keptIds.slice(start, end),
        createdAt: this.connection.clock(),
        vectors: stored.slice(start * dim, end * dim),
      }));
      if (keptIds.length > 0) {
        changes.push(describeChange('segments', 'put', [space]));
        changes.push(describeChange('events', 'put', keptIds));
      }
      return keptIds.length;
    }, undefined, { adds: vectors.byteLength, background: true });
  }

  /** Appends the term frequencies of documents (event ids) to a keyword index built with `tokenizer`. */
  async appendPostings(tokenizer: string, documents: readonly { id: string; terms: ReadonlyMap<string, number> }[]): Promise<number> {
    return this.connection.write(['events', 'segments', 'tombstones'], async (tx, changes) => {
      const exists = await Promise.all(documents.map((d) => tx.objectStore('events').count(d.id)));
      const kept = documents.filter((_, i) => (exists[i] ?? 0) > 0);
      await writePostings(tx, tokenizer, kept, { segmentSize: this.segmentSize, now: this.connection.clock(), changes });
      return kept.length;
    });
  }

  /**
   * Merges a space's small segments once it holds more than `maxExcess` segments beyond what its entries need: each
   * record() call writes its own postings segment, and a history recorded one message at a time would otherwise
   * load in thousands of reads. O(1) on the hot path: two counts, no segment is read.
   */
  async compactIfFragmented(space: string, maxExcess = 32): Promise<number> {
    const tx = this.connection.read(['segments', 'meta']);
    const [segments, stats] = await Promise.all([tx.objectStore('segments').index('by-space').count(space), readStats(tx)]);
    const needed = Math.ceil(stats.events / this.segmentSize);
    return segments - needed > maxExcess ? this.compact(space) : 0;
  }

  /** Reads a whole space with each slot's liveness; undefined when the space has no segments. */
  async load(space: string): Promise<LoadedSpace | undefined> {
    const tx = this.connection.read(['segments', 'tombstones']);
    const [segments, tombstones] = await Promise.all([
      tx.objectStore('segments').index('by-space').getAll(space) as Promise<StoredSegment[]>,
      tx.objectStore('tombstones').index('by-space').getAll(space),
    ]);
    return resolveSpace(space, segments, tombstones);
  }

  /**
   * Segments of a space written after `afterSeq`, oldest first, for a reader catching up with another connection's
   * writes. Liveness is not resolved here: the reader applies deletes from the change feed.
   */
  async loadSince(space: string, afterSeq: number): Promise<StoredSegment[]> {
    const store = this.connection.read(['segments']).objectStore('segments');
    const segments = (await store.getAll(IDBKeyRange.lowerBound(afterSeq, true))) as StoredSegment[];
    return segments.filter((segment) => segment.space === space);
  }

  /** The highest segment number written so far (0 when none), where a catching-up reader starts from. */
  async lastSeq(): Promise<number> {
    const cursor = await this.connection.read(['segments']).objectStore('segments').openKeyCursor(null, 'prev');
    return cursor?.key ?? 0;
  }

  /** The live vectors of a space as one contiguous array, in segment order. */
  async loadVectors(model: string): Promise<{ model: string; dim: number; ids: string[]; vectors: Float32Array } | undefined> {
    const loaded = await this.load(vectorSpace(model));
    if (!loaded) return undefined;
    const ids: string[] = [];
    const vectors = new Float32Array(loaded.liveCount * loaded.dim);
    for (const segment of loaded.segments) {
      const source = segment.vectors as Float32Array;
      segment.ids.forEach((id, slot) => {
        if (!segment.live[slot]) return;
        vectors.set(source.subarray(slot * loaded.dim, (slot + 1) * loaded.dim), ids.length * loaded.dim);
        ids.push(id);
      });
    }
    return { model: loaded.model, dim: loaded.dim, ids, vectors };
  }

  /** Names of the spaces that have segments, read from index keys only (no segment is loaded). */
  async spaceNames(): Promise<string[]> {
    const names: string[] = [];
    const index = this.connection.read(['segments']).objectStore('segments').index('by-space');
    for (let cursor = await index.openKeyCursor(null, 'nextunique'); cursor; cursor = await cursor.continue()) names.push(cursor.key);
    return names;
  }

  /** Every space with its counts. Reads every segment: for diagnostics, not hot paths (see spaceNames). */
  async spaces(): Promise<SpaceInfo[]> {
    const tx = this.connection.read(['segments', 'tombstones']);
    const infos = new Map<string, SpaceInfo>();
    for (let cursor = await tx.objectStore('segments').openCursor(); cursor; cursor = await cursor.continue()) {
      const segment = cursor.value;
      const info = infos.get(segment.space) ?? {
        space: segment.space,
        kind: segment.kind,
        model: segment.model,
        dim: segment.dim,
        segments: 0,
        entries: 0,
        tombstones: 0,
      };
      info.segments++;
      info.entries += segment.ids.length;
      infos.set(segment.space, info);
    }
    for (const info of infos.values()) {
      info.tombstones = await tx.objectStore('tombstones').index('by-space').count(info.space);
    }
    return [...infos.values()];
  }

  /**
   * Rewrites the segments that hold dead slots or are not full into full ones, and drops the space's tombstones,
   * in one transaction. Returns how many segments were rewritten (0 when there was nothing to gain).
   */
  async compact(space: string): Promise<number> {
    return this.connection.write(['segments', 'tombstones'], async (tx, changes) => {
      const segments = (await tx.objectStore('segments').index('by-space').getAll(space)) as StoredSegment[];
      const tombstones = await tx.objectStore('tombstones').index('by-space').getAll(space);
      const loaded = resolveSpace(space, segments, tombstones);
      if (!loaded) return 0;
      const dirty = loaded.segments.filter((s) => s.live.includes(0) || s.ids.length < this.segmentSize);
      if (dirty.length <= 1 && !dirty.some((s) => s.live.includes(0)) && tombstones.length === 0) return 0;
      const liveInDirty = dirty.reduce((sum, s) => sum + s.live.reduce((n, bit) => n + bit, 0), 0);
      const ids: string[] = [];
      const flat = loaded.kind === 'vectors' ? new Float32Array(liveInDirty * loaded.dim) : undefined;
      const documents: Map<string, number>[] = [];
      const facets: (EventFacets | undefined)[] = [];
      for (const segment of dirty) {
        const docs = segment.postings ? documentsOf(segment.postings) : [];
        const slotFacets = segment.postings ? facetsOf(segment.postings) : [];
        segment.ids.forEach((id, slot) => {
          if (!segment.live[slot]) return;
          if (flat && segment.vectors) flat.set(segment.vectors.subarray(slot * loaded.dim, (slot + 1) * loaded.dim), ids.length * loaded.dim);
          if (segment.postings) {
            documents.push(docs[slot] as Map<string, number>);
            facets.push(slotFacets[slot]);
          }
          ids.push(id);
        });
        await tx.objectStore('segments').delete(segment.seq);
      }
      await this.#writeChunks(tx, ids, (start, end) => ({
        space,
        kind: loaded.kind,
        model: loaded.model,
        dim: loaded.dim,
        ids: ids.slice(start, end),
        createdAt: this.connection.clock(),
        ...(flat ? { vectors: flat.slice(start * loaded.dim, end * loaded.dim) } : { postings: buildPostings(documents.slice(start, end), facets.slice(start, end)) }),
      }));
      for (const tombstone of tombstones) await tx.objectStore('tombstones').delete([tombstone.space, tombstone.id]);
      changes.push(describeChange('segments', 'put', [space]));
      return dirty.length;
    }, undefined, { usesReserve: true });
  }

  /** Removes a whole space, e.g. the vectors of a model the user switched away from. */
  async dropSpace(space: string): Promise<void> {
    await this.connection.write(['segments', 'tombstones'], async (tx, changes: StoreChange[]) => {
      const keys = await tx.objectStore('segments').index('by-space').getAllKeys(space);
      for (const key of keys) await tx.objectStore('segments').delete(key);
      const tombstoneKeys = await tx.objectStore('tombstones').index('by-space').getAllKeys(space);
      for (const key of tombstoneKeys) await tx.objectStore('tombstones').delete(key);
      changes.push(describeChange('segments', 'delete', [space]));
    }, undefined, { usesReserve: true });
  }


  #writeChunks(tx: WriteTx<'segments'>, ids: readonly string[], make: (start: number, end: number) => SegmentRecord): Promise<void> {
    return writeChunks(tx, ids, this.segmentSize, make);
  }
}

async function writeChunks(
  tx: WriteTx<'segments'>,
  ids: readonly string[],
  segmentSize: number,
  make: (start: number, end: number) => SegmentRecord,
): Promise<void> {
  for (let start = 0; start < ids.length; start += segmentSize) {
    await tx.objectStore('segments').add(make(start, Math.min(ids.length, start + segmentSize)));
  }
}

/**
 * Writes the keyword postings of documents whose events exist, in the caller's transaction: record() uses it so an
 * event and its postings commit together.
 */
export async function writePostings(
  tx: WriteTx<'segments'>,
  tokenizer: string,
  documents: readonly { id: string; terms: ReadonlyMap<string, number>; facets?: EventFacets }[],
  { segmentSize = DEFAULT_SEGMENT_SIZE, now, changes }: { segmentSize?: number; now: number; changes: StoreChange[] },
): Promise<void> {
  if (documents.length === 0) return;
  const space = postingsSpace(tokenizer);
  const clash = await spaceConflict(tx, { space, kind: 'postings', model: tokenizer, dim: 0 });
  if (clash) throw new SegmentIntegrityError(`Space ${space} holds ${clash}; refusing to add postings of ${tokenizer}.`);
  const ids = documents.map((d) => d.id);
  await writeChunks(tx, ids, segmentSize, (start, end) => ({
    space,
    kind: 'postings',
    model: tokenizer,
    dim: 0,
    ids: ids.slice(start, end),
    createdAt: now,
    postings: buildPostings(
      documents.slice(start, end).map((d) => d.terms),
      documents.slice(start, end).map((d) => d.facets),
    ),
  }));
  changes.push(describeChange('segments', 'put', [space]));
}

/**
 * A space holds one kind, model and dimension (resolveSpace refuses mixtures): describes what the space already
 * holds when `segment` would not fit it, or returns undefined when it fits or the space is empty.
 */
export async function spaceConflict<M extends IDBTransactionMode>(
  tx: TxWith<'segments', M>,
  segment: Pick<SegmentRecord, 'space' | 'kind' | 'model' | 'dim'>,
): Promise<string | undefined> {
  const cursor = await tx.objectStore('segments').index('by-space').openCursor(segment.space);
  if (!cursor) return undefined;
  const first = cursor.value;
  if (first.kind === segment.kind && first.model === segment.model && first.dim === segment.dim) return undefined;
  return `${first.kind} of ${first.model} with dimension ${first.dim}`;
}

/** Applies supersession (a later segment's copy wins) and tombstones, and checks the space is consistent. */
export function resolveSpace(space: string, segments: StoredSegment[], tombstones: Tombstone[]): LoadedSpace | undefined {
  const first = segments[0];
  if (!first) return undefined;
  const deletedAt = new Map(tombstones.map((t) => [t.id, t.seq]));
  const ordered = [...segments].sort((a, b) => b.seq - a.seq);
  const seen = new Set<string>();
  let liveCount = 0;
  const loaded: LoadedSegment[] = [];
  for (const segment of ordered) {
    if (segment.kind !== first.kind || segment.model !== first.model || segment.dim !== first.dim) {
      throw new SegmentIntegrityError(`Segments of ${space} disagree: ${first.model}/${first.dim} vs ${segment.model}/${segment.dim}.`);
    }
    if (segment.kind === 'vectors' && segment.vectors?.length !== segment.ids.length * segment.dim) {
      throw new SegmentIntegrityError(`Segment ${segment.seq} of ${space} holds the wrong number of floats.`);
    }
    if (segment.kind === 'postings' && segment.postings?.docLengths.length !== segment.ids.length) {
      throw new SegmentIntegrityError(`Segment ${segment.seq} of ${space} holds the wrong number of documents.`);
    }
    const live = new Uint8Array(segment.ids.length);
    segment.ids.forEach((id, slot) => {
      const superseded = seen.has(id);
      seen.add(id);
      const deleted = (deletedAt.get(id) ?? -1) >= segment.seq;
      if (!superseded && !deleted) {
        live[slot] = 1;
        liveCount++;
      }
    });
    const entry: LoadedSegment = { seq: segment.seq, ids: segment.ids, live };
    if (segment.vectors) entry.vectors = segment.vectors;
    if (segment.postings) entry.postings = segment.postings;
    loaded.push(entry);
  }
  loaded.reverse();
  return { space, kind: first.kind, model: first.model, dim: first.dim, segments: loaded, liveCount };
}
