// Segments as JSON lines: typed arrays become base64 of their little-endian bytes, and the model and dimension
// travel with every segment so the reader checks them instead of assuming them. Decoding checks every invariant
// resolveSpace and the keyword search rely on, so a crafted file cannot plant a segment that breaks loading.
import * as v from 'valibot';
import { EVENT_KINDS } from '../../core/history-event';
import { postingsProblem, type PostingsPayload } from '../../core/postings';
import { postingsSpace, vectorSpace } from '../segments';
import type { SegmentRecord } from '../schema';
import { fromBase64, fromLittleEndian, littleEndianBytes, toBase64 } from './bytes';

const MAX_SLOTS = 65_536;
const text = (max: number) => v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty'), v.maxLength(max, `must be at most ${max} characters`));
const binary = v.string('must be a base64 string');
const timestamp = v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(0, 'must be ≥ 0'));
const ids = v.pipe(v.array(text(200), 'must be a list of event ids'), v.minLength(1, 'must not be empty'), v.maxLength(MAX_SLOTS, `must list at most ${MAX_SLOTS} ids`));

const exportedSegmentSchema = v.variant(
  'kind',
  [
    v.strictObject({
      space: v.string('must be a string'),
      kind: v.literal('vectors'),
      model: text(200),
      dim: v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(1, 'must be ≥ 1'), v.maxValue(65_536, 'must be ≤ 65536')),
      ids,
      createdAt: timestamp,
      vectors: binary,
    }),
    v.strictObject({
      space: v.string('must be a string'),
      kind: v.literal('postings'),
      model: text(200),
      dim: v.literal(0, 'must be 0 for postings'),
      ids,
      createdAt: timestamp,
      postings: v.strictObject({
        terms: v.array(v.pipe(v.string('must be a string'), v.maxLength(1_000, 'must be at most 1000 characters')), 'must be a list of terms'),
        termOffsets: binary,
        docs: binary,
        freqs: binary,
        docLengths: binary,
        facets: v.optional(
          v.strictObject({
            ts: binary,
            kinds: binary,
            sources: v.array(text(200), 'must be a list of sources'),
          }),
        ),
      }),
    }),
  ],
  'must be "vectors" or "postings"',
);

export type ExportedSegment = v.InferOutput<typeof exportedSegmentSchema>;

/** The line form of a segment (its seq is left out: the importing database numbers it). */
export function encodeSegment(segment: SegmentRecord): ExportedSegment {
  const base = { space: segment.space, model: segment.model, ids: segment.ids, createdAt: segment.createdAt };
  if (segment.kind === 'vectors') {
    return { ...base, kind: 'vectors', dim: segment.dim, vectors: toBase64(littleEndianBytes(segment.vectors ?? new Float32Array(0))) };
  }
  const p = segment.postings;
  if (!p) throw new TypeError(`postings segment of ${segment.space} has no payload`);
  return {
    ...base,
    kind: 'postings',
    dim: 0,
    postings: {
      terms: p.terms,
      termOffsets: toBase64(littleEndianBytes(p.termOffsets)),
      docs: toBase64(littleEndianBytes(p.docs)),
      freqs: toBase64(littleEndianBytes(p.freqs)),
      docLengths: toBase64(littleEndianBytes(p.docLengths)),
      ...(p.facets
        ? { facets: { ts: toBase64(littleEndianBytes(p.facets.ts)), kinds: toBase64(p.facets.kinds), sources: p.facets.sources } }
        : {}),
    },
  };
}

/** A segment record ready to store, or the reason the data is not one (`field reason`). */
export function decodeSegment(data: unknown): { segment: SegmentRecord } | { problem: string } {
  const parsed = v.safeParse(exportedSegmentSchema, data);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const path = v.getDotPath(issue);
    return { problem: `data${path ? `.${path}` : ''} ${issue.message}` };
  }
  const s = parsed.output;
  if (new Set(s.ids).size !== s.ids.length) return { problem: 'data.ids repeats an id' };
  const base = { model: s.model, dim: s.dim, ids: s.ids, createdAt: s.createdAt };
  if (s.kind === 'vectors') {
    if (s.space !== vectorSpace(s.model)) return { problem: `data.space must be "${vectorSpace(s.model)}"` };
    const bytes = fromBase64(s.vectors);
    const vectors = bytes && fromLittleEndian(bytes, 'f32');
    if (vectors?.length !== s.ids.length * s.dim) return { problem: `data.vectors must hold ${s.ids.length} × ${s.dim} floats as base64` };
    if (!vectors.every(Number.isFinite)) return { problem: 'data.vectors holds a value that is not a finite number' };
    return { segment: { ...base, space: s.space, kind: 'vectors', vectors } };
  }
  if (s.space !== postingsSpace(s.model)) return { problem: `data.space must be "${postingsSpace(s.model)}"` };
  const postings = decodePostings(s.postings, s.ids.length);
  if (typeof postings === 'string') return { problem: `data.postings.${postings}` };
  return { segment: { ...base, space: s.space, kind: 'postings', postings } };
}

function decodePostings(p: Extract<ExportedSegment, { kind: 'postings' }>['postings'], slots: number): PostingsPayload | string {
  const u32 = (value: string) => {
    const bytes = fromBase64(value);
    return bytes ? fromLittleEndian(bytes, 'u32') : undefined;
  };
  const termOffsets = u32(p.termOffsets);
  const docs = u32(p.docs);
  const docLengths = u32(p.docLengths);
  const freqBytes = fromBase64(p.freqs);
  const freqs = freqBytes && fromLittleEndian(freqBytes, 'u16');
  if (!termOffsets) return 'termOffsets must be uint32 values as base64';
  if (!docs) return 'docs must be uint32 values as base64';
  if (!docLengths) return 'docLengths must be uint32 values as base64';
  if (!freqs) return 'freqs must be uint16 values as base64';
  const payload: PostingsPayload = { terms: p.terms, termOffsets, docs, freqs, docLengths };
  const problem = postingsProblem(payload, slots);
  if (problem) return problem;
  if (p.facets) {
    const tsBytes = fromBase64(p.facets.ts);
    const ts = tsBytes && fromLittleEndian(tsBytes, 'f64');
    const kinds = fromBase64(p.facets.kinds);
    if (ts?.length !== slots || !ts.every((t) => Number.isInteger(t) && t >= 0)) return 'facets.ts must hold one whole, non-negative time per id';
    if (kinds?.length !== slots || !kinds.every((k) => k < EVENT_KINDS.length)) return 'facets.kinds must hold one known kind per id';
    if (p.facets.sources.length !== slots) return 'facets.sources must hold one source per id';
    payload.facets = { ts, kinds: new Uint8Array(kinds), sources: p.facets.sources };
  }
  return payload;
}
