// Runs in Chromium with a persistent profile (see bench/retrieval.ts), in two kinds of page load:
//  setup:   records the history (PersonaStore.record in batches of 1,000: events + keyword postings, one transaction
//           each) and appends one 100-d vector per event under the bundled embedder's model id, so the real
//           embedder embeds the query (the vectors are the clustered synthetic ones of corpus.ts: latency only, the
//           dense hits mean nothing);
//  measure: a fresh browser on the same profile loads the page and times, from navigation start (performance.now()
//           is measured from the document's timeOrigin), every step to the first answered hybrid query: the engine's
//           code, the embedder worker with its model, PersonaStore.open, HistoryRetrieval.open (the index from the
//           segments), retrieve(). Then, in the same page, the baseline: the same index rebuilt by re-reading every
//           event and re-tokenizing its text (a design without persisted postings), and Persona's load once more,
//           now warm, for a like-for-like ratio (the baseline runs warm too).
//           With overlap=1 the index loads while the model loads: HistoryRetrieval.open gets, as soon as the store
//           is open, an Embedder that names the bundled model's id and waits for the worker only when it embeds
//           (HistoryRetrieval needs the model id to pick the vectors, not the model itself).
//  parts:   like measure, but the index load is done step by step (the steps of HistoryRetrieval.reload()), cold, to
//           say where its time goes: postings read + BM25 build, event metadata, vectors read + dense index build.
import type { EventKind, HistoryEventInput } from '../../src/core/history-event';
import { Bm25Index } from '../../src/core/bm25';
import { HybridRetriever } from '../../src/core/hybrid-retriever';
import { wordsTokenizer } from '../../src/core/tokenizer';
import type { Embedder } from '../../src/embed/embedder';
import { BUNDLED_EMBEDDER, embedderModelId } from '../../src/embed/embedder-config';
import { PendingEmbedder } from '../../src/embed/pending-embedder';
import { WorkerEmbedder } from '../../src/embed/worker-embedder';
import { HistoryRetrieval } from '../../src/engine/history-retrieval';
import { PersonaStore } from '../../src/store/persona-store';
import { postingsSpace } from '../../src/store/segments';
import { clusterCentres, clusteredVectorsFor, textCorpus } from './corpus';

export const COLD_START_DB = 'persona-bench-cold-start';
export const COLD_START_DIM = 100;
const BATCH = 1_000;
const KINDS: readonly EventKind[] = ['view', 'message', 'click', 'note'];
const META_SLICE = 10_000;

export interface ColdSetupResult {
  phase: 'setup';
  events: number;
  model: string;
  recordMs: number;
  appendVectorsMs: number;
  /** The query the measure pages ask (the corpus's first: 2–4 topic words in a question). */
  query: string;
  spaces: { space: string; segments: number; entries: number }[];
}

/** A moment of the cold start: when the step began and ended, in ms from navigation start. */
export interface Span {
  start: number;
  end: number;
  ms: number;
}

export interface ColdMeasureResult {
  phase: 'measure';
  events: number;
  /** Whether the index load ran while the model loaded (see the header). */
  overlap: boolean;
  /** Navigation timing of the document (ms from navigation start). */
  navigation: { responseEnd: number; domInteractive: number };
  /** The page's first script ran (its entry module has no imports). */
  firstScriptMs: number;
  /** import() of the engine's code (Vite dev server: unbundled modules, a built app loads one chunk). */
  code: Span;
  /** new Worker + WorkerEmbedder.start (the model loaded in the worker), concurrent with the store's open. */
  embedder: Span;
  store: Span;
  /** HistoryRetrieval.open(store, embedder): postings, event metadata, vectors. */
  index: Span;
  /** retrieve(query, { limit: 10 }): the query embedded in the worker, searched, its events read. */
  firstQuery: Span & { embedMs: number; searchMs: number; hits: number };
  /** Navigation start to the first answer. */
  totalMs: number;
  indexedDocuments: number;
  /** Same page, after the first answer: the baseline, then Persona's load again (both warm). */
  baseline: { readEventsMs: number; tokenizeMs: number; vectorsMs: number; totalMs: number; documents: number };
  warmIndexMs: number;
  crossOriginIsolated: boolean;
}

export interface ColdPartsResult {
  phase: 'parts';
  events: number;
  /** The steps of HistoryRetrieval.reload(), cold, one after another. */
  lastSeqMs: number;
  postingsReadMs: number;
  postingsBuildMs: number;
  metadataMs: number;
  vectorsReadMs: number;
  vectorsBuildMs: number;
  totalMs: number;
  postingSegments: number;
}

export type ColdStartPageResult = ColdSetupResult | ColdMeasureResult | ColdPartsResult;

const MODEL = embedderModelId(BUNDLED_EMBEDDER);

function log(message: string): void {
  console.log(`[retrieval] cold start: ${message}`);
}

function span(start: number, end = performance.now()): Span {
  return { start, end, ms: end - start };
}

async function setup(events: number): Promise<ColdSetupResult> {
  const corpus = textCorpus(events, 1);
  const vectors = clusteredVectorsFor(corpus.labels, clusterCentres(COLD_START_DIM), COLD_START_DIM);
  const store = await PersonaStore.open({ name: COLD_START_DB });
  let recordMs = 0;
  let appendVectorsMs = 0;
  try {
    if ((await store.segments.spaces()).length > 0) throw new Error(`the profile already holds ${COLD_START_DB}: setup needs a fresh profile`);
    for (let start = 0; start < events; start += BATCH) {
      const end = Math.min(events, start + BATCH);
      const ids = Array.from({ length: end - start }, (_, k) => `e${start + k}`);
      const batch: HistoryEventInput[] = ids.map((id, k) => ({
        id,
        ts: 1_700_000_000_000 + (start + k) * 60_000,
        kind: KINDS[(start + k) % KINDS.length] as EventKind,
        text: corpus.texts[start + k] as string,
        source: 'app',
      }));
      let t = performance.now();
      await store.record(batch);
      recordMs += performance.now() - t;
      t = performance.now();
      await store.segments.appendVectors(MODEL, COLD_START_DIM, ids, vectors.subarray(start * COLD_START_DIM, end * COLD_START_DIM));
      appendVectorsMs += performance.now() - t;
      if (end % 20_000 === 0) log(`setup: ${end} events recorded and embedded`);
    }
    const spaces = (await store.segments.spaces()).map(({ space, segments, entries }) => ({ space, segments, entries }));
    return { phase: 'setup', events, model: MODEL, recordMs, appendVectorsMs, query: corpus.queries[0]?.text ?? 'what did i read', spaces };
  } finally {
    store.close();
  }
}

/** The baseline: every event read back and its text tokenized again; the vectors are loaded from their segments. */
async function rebuildFromEvents(store: PersonaStore, embedder: Embedder): Promise<ColdMeasureResult['baseline']> {
  const retriever = new HybridRetriever(store.connection.tokenizer ?? wordsTokenizer);
  let readEventsMs = 0;
  let tokenizeMs = 0;
  const started = performance.now();
  let after: string | undefined;
  for (;;) {
    let t = performance.now();
    const range = after === undefined ? undefined : IDBKeyRange.lowerBound(after, true);
    const batch = await store.connection.read(['events']).objectStore('events').getAll(range, META_SLICE);
    readEventsMs += performance.now() - t;
    t = performance.now();
    for (const event of batch) retriever.addDocument(event.id, event.text, { ts: event.ts, kind: event.kind, source: event.source });
    tokenizeMs += performance.now() - t;
    if (batch.length < META_SLICE) break;
    after = batch.at(-1)?.id;
  }
  const t = performance.now();
  const vectors = await store.segments.loadVectors(embedder.model);
  if (vectors) retriever.addVectors(vectors.ids, vectors.vectors, vectors.dim);
  const end = performance.now();
  return { readEventsMs, tokenizeMs, vectorsMs: end - t, totalMs: end - started, documents: retriever.size };
}

function startEmbedder(): Promise<WorkerEmbedder> {
  return WorkerEmbedder.start(() => new Worker(new URL('../../workers/embedder.worker.ts', import.meta.url), { type: 'module' }), BUNDLED_EMBEDDER);
}

/** The bundled model's id at once; embed() waits for the worker. */
async function measure(events: number, query: string, overlap: boolean, firstScriptMs: number, code: Span): Promise<ColdMeasureResult> {
  const embedderStart = performance.now();
  let embedderEnd = 0;
  let storeEnd = 0;
  const ready = startEmbedder().then((e) => {
    embedderEnd = performance.now();
    return e;
  });
  const opened = PersonaStore.open({ name: COLD_START_DB }).then((s) => {
    storeEnd = performance.now();
    return s;
  });
  const [embedder, store] = overlap ? [undefined, await opened] : await Promise.all([ready, opened]);
  let worker: WorkerEmbedder | undefined = embedder;
  try {
    const indexStart = performance.now();
    const retrieval = await HistoryRetrieval.open(store, embedder ?? new PendingEmbedder(MODEL, COLD_START_DIM, ready));
    const index = span(indexStart);
    worker = await ready;
    if (worker.model !== MODEL || worker.dim !== COLD_START_DIM) throw new Error(`the worker loaded ${worker.model} (${worker.dim}-d), not ${MODEL}`);
    const answer = await retrieval.retrieve(query, { limit: 10 });
    const firstQuery = { ...span(index.end), embedMs: answer.timings.embedMs, searchMs: answer.timings.searchMs, hits: answer.hits.length };
    const totalMs = firstQuery.end;
    retrieval.close();
    if (retrieval.size !== events) throw new Error(`the index holds ${retrieval.size} documents; ${events} were recorded`);
    if (answer.hits.length !== 10) throw new Error(`the first query returned ${answer.hits.length} hits`);
    log(`${overlap ? 'overlapped' : 'sequential'}: total ${totalMs.toFixed(0)} ms (index ${index.ms.toFixed(0)} ms, embedder ready at ${embedderEnd.toFixed(0)} ms)`);

    const baseline = await rebuildFromEvents(store, worker);
    const warmStart = performance.now();
    const warm = await HistoryRetrieval.open(store, worker);
    const warmIndexMs = performance.now() - warmStart;
    warm.close();
    if (baseline.documents !== events) throw new Error(`the rebuilt index holds ${baseline.documents} documents; ${events} were recorded`);
    log(`baseline rebuild ${baseline.totalMs.toFixed(0)} ms; Persona's load again ${warmIndexMs.toFixed(0)} ms`);

    const [nav] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
    return {
      phase: 'measure',
      events,
      overlap,
      navigation: { responseEnd: nav?.responseEnd ?? 0, domInteractive: nav?.domInteractive ?? 0 },
      firstScriptMs,
      code,
      embedder: span(embedderStart, embedderEnd),
      store: span(embedderStart, storeEnd),
      index,
      firstQuery,
      totalMs,
      indexedDocuments: retrieval.size,
      baseline,
      warmIndexMs,
      crossOriginIsolated,
    };
  } finally {
    (worker ?? (await ready.catch(() => undefined)))?.terminate();
    store.close();
  }
}

/** HistoryRetrieval.reload()'s steps, timed one by one (keep in step with src/engine/history-retrieval.ts). */
async function parts(events: number): Promise<ColdPartsResult> {
  const store = await PersonaStore.open({ name: COLD_START_DB });
  try {
    const started = performance.now();
    await store.segments.lastSeq();
    const lastSeqMs = performance.now() - started;
    const tokenizer = store.connection.tokenizer ?? wordsTokenizer;
    let t = performance.now();
    const postings = await store.segments.load(postingsSpace(tokenizer.id));
    const postingsReadMs = performance.now() - t;
    t = performance.now();
    const retriever = new HybridRetriever(tokenizer, postings ? Bm25Index.fromSegments(postings) : new Bm25Index());
    const postingsBuildMs = performance.now() - t;
    t = performance.now();
    let after: string | undefined;
    for (;;) {
      const range = after === undefined ? undefined : IDBKeyRange.lowerBound(after, true);
      const batch = await store.connection.read(['events']).objectStore('events').getAll(range, META_SLICE);
      for (const event of batch) retriever.setMeta(event.id, { ts: event.ts, kind: event.kind, source: event.source });
      if (batch.length < META_SLICE) break;
      after = batch.at(-1)?.id;
    }
    const metadataMs = performance.now() - t;
    t = performance.now();
    const vectors = await store.segments.loadVectors(MODEL);
    const vectorsReadMs = performance.now() - t;
    t = performance.now();
    if (vectors) retriever.addVectors(vectors.ids, vectors.vectors, vectors.dim);
    const vectorsBuildMs = performance.now() - t;
    const totalMs = performance.now() - started;
    if (retriever.size !== events || retriever.dense?.size !== events) throw new Error(`the index holds ${retriever.size} documents and ${retriever.dense?.size ?? 0} vectors; ${events} were recorded`);
    log(`parts: postings ${(postingsReadMs + postingsBuildMs).toFixed(0)} ms, metadata ${metadataMs.toFixed(0)} ms, vectors ${(vectorsReadMs + vectorsBuildMs).toFixed(0)} ms`);
    return { phase: 'parts', events, lastSeqMs, postingsReadMs, postingsBuildMs, metadataMs, vectorsReadMs, vectorsBuildMs, totalMs, postingSegments: postings?.segments.length ?? 0 };
  } finally {
    store.close();
  }
}

export async function runColdStartPage(params: URLSearchParams, firstScriptMs: number, codeLoadedMs: number): Promise<ColdStartPageResult> {
  const events = Number(params.get('events') ?? 100_000);
  const phase = params.get('phase');
  if (phase === 'setup') return setup(events);
  if (phase === 'parts') return parts(events);
  if (phase === 'measure') return measure(events, params.get('query') ?? 'what did i read', params.get('overlap') === '1', firstScriptMs, span(firstScriptMs, codeLoadedMs));
  throw new Error(`unknown phase ${phase ?? '(none)'}`);
}
