// An inverted-index batch in a compact, structured-clone-friendly form: one postings segment holds the term
// frequencies of up to a segment's worth of documents, so the keyword index loads in a few reads. It may also carry
// each document's facets (time, kind, source), so retrieval's filters load with it instead of from every event.
import { EVENT_KINDS, type EventFacets, type EventKind } from './history-event';

export interface PostingsPayload {
  /** Distinct terms of the segment, sorted. */
  terms: string[];
  /** Postings of terms[i] are docs/freqs[termOffsets[i] .. termOffsets[i + 1]). */
  termOffsets: Uint32Array;
  /** Slot numbers (index into the segment's ids). */
  docs: Uint32Array;
  /** Term frequency of each posting, saturated at 65,535. */
  freqs: Uint16Array;
  /** Token count of each slot, for length normalisation (BM25's |d|). */
  docLengths: Uint32Array;
  facets?: PostingsFacets;
}

/** Per slot: ts, the kind's index in EVENT_KINDS, and the source. */
export interface PostingsFacets {
  ts: Float64Array;
  kinds: Uint8Array;
  sources: string[];
}

/**
 * Builds the payload from each document's term → frequency map; slot i is documents[i]. Facets are kept only when
 * every document has them (a payload never holds them for some slots only).
 */
export function buildPostings(documents: readonly ReadonlyMap<string, number>[], facets?: readonly (EventFacets | undefined)[]): PostingsPayload {
  const byTerm = new Map<string, { doc: number; freq: number }[]>();
  const docLengths = new Uint32Array(documents.length);
  documents.forEach((terms, doc) => {
    let length = 0;
    for (const [term, freq] of terms) {
      if (!Number.isInteger(freq) || freq <= 0) throw new RangeError(`term frequency of "${term}" must be a positive integer`);
      length += freq;
      let list = byTerm.get(term);
      if (!list) byTerm.set(term, (list = []));
      list.push({ doc, freq });
    }
    docLengths[doc] = length;
  });
  const terms = [...byTerm.keys()].sort();
  const total = terms.reduce((sum, term) => sum + (byTerm.get(term)?.length ?? 0), 0);
  const termOffsets = new Uint32Array(terms.length + 1);
  const docs = new Uint32Array(total);
  const freqs = new Uint16Array(total);
  let at = 0;
  terms.forEach((term, i) => {
    termOffsets[i] = at;
    for (const { doc, freq } of byTerm.get(term) ?? []) {
      docs[at] = doc;
      freqs[at] = Math.min(freq, 0xffff);
      at++;
    }
  });
  termOffsets[terms.length] = at;
  const payload: PostingsPayload = { terms, termOffsets, docs, freqs, docLengths };
  if (facets?.length === documents.length && facets.every((f) => f !== undefined)) payload.facets = encodeFacets(facets);
  return payload;
}

function encodeFacets(facets: readonly EventFacets[]): PostingsFacets {
  return {
    ts: Float64Array.from(facets, (f) => f.ts),
    kinds: Uint8Array.from(facets, (f) => EVENT_KINDS.indexOf(f.kind)),
    sources: facets.map((f) => f.source),
  };
}

/** Each slot's facets, or undefined for every slot when the payload has none. */
export function facetsOf(payload: PostingsPayload): (EventFacets | undefined)[] {
  const facets = payload.facets;
  if (!facets) return Array.from(payload.docLengths, () => undefined);
  return Array.from(payload.docLengths, (_, slot) => ({
    ts: facets.ts[slot] as number,
    kind: EVENT_KINDS[facets.kinds[slot] as number] as EventKind,
    source: facets.sources[slot] as string,
  }));
}

/**
 * Why a payload cannot be loaded, or undefined when it can: terms sorted and distinct (postingsOf binary-searches
 * them), offsets that cover the postings, and per term slots strictly ascending inside the segment (the keyword
 * index appends them to sorted lists without re-sorting), with positive frequencies. Checked wherever a payload
 * comes from outside buildPostings: an import, or a segment loaded from disk.
 */
export function postingsProblem(payload: PostingsPayload, slots: number): string | undefined {
  const { terms, termOffsets, docs, freqs, docLengths } = payload;
  for (let i = 1; i < terms.length; i++) if ((terms[i - 1] as string) >= (terms[i] as string)) return 'terms must be sorted and distinct';
  if (termOffsets.length !== terms.length + 1 || termOffsets[0] !== 0 || termOffsets[terms.length] !== docs.length) {
    return `termOffsets must run from 0 to the ${docs.length} postings, one more value than the ${terms.length} terms`;
  }
  if (freqs.length !== docs.length) return 'freqs must hold one value per posting';
  if (docLengths.length !== slots) return 'docLengths must hold one value per slot';
  for (let i = 0; i < terms.length; i++) {
    const start = termOffsets[i] as number;
    const end = termOffsets[i + 1] as number;
    if (end < start) return 'termOffsets must not decrease';
    let previous = -1;
    for (let p = start; p < end; p++) {
      const slot = docs[p] as number;
      if (slot <= previous || slot >= slots) return `postings of "${terms[i] ?? ''}" must name slots of this segment in ascending order, once each`;
      if ((freqs[p] as number) < 1) return 'freqs must be positive';
      previous = slot;
    }
  }
  return undefined;
}

/** The postings of one term in a payload (binary search over the sorted terms). */
export function postingsOf(payload: PostingsPayload, term: string): { docs: Uint32Array; freqs: Uint16Array } {
  let lo = 0;
  let hi = payload.terms.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const found = payload.terms[mid] as string;
    if (found === term) {
      const start = payload.termOffsets[mid] as number;
      const end = payload.termOffsets[mid + 1] as number;
      return { docs: payload.docs.subarray(start, end), freqs: payload.freqs.subarray(start, end) };
    }
    if (found < term) lo = mid + 1;
    else hi = mid - 1;
  }
  return { docs: new Uint32Array(0), freqs: new Uint16Array(0) };
}

/** The term-frequency map of each slot, rebuilt from a payload (used when compaction merges segments). */
export function documentsOf(payload: PostingsPayload): Map<string, number>[] {
  const documents = Array.from(payload.docLengths, () => new Map<string, number>());
  payload.terms.forEach((term, i) => {
    const start = payload.termOffsets[i] as number;
    const end = payload.termOffsets[i + 1] as number;
    for (let p = start; p < end; p++) documents[payload.docs[p] as number]?.set(term, payload.freqs[p] as number);
  });
  return documents;
}
