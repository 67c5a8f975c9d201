// Retrieval over the user's history as the engine uses it: the hybrid index is loaded from the store's segments
// (keyword postings and the current embedder's vectors), kept up to date from the change feed — this tab's writes
// and other tabs' alike — and answers queries with the events themselves and the parts of each score.
import type { HistoryEvent } from '../core/history-event';
import { Bm25Index } from '../core/bm25';
import { HybridRetriever, type RetrievalHit, type RetrieveOptions } from '../core/hybrid-retriever';
import { documentsOf, facetsOf } from '../core/postings';
import { wordsTokenizer } from '../core/tokenizer';
import type { Embedder } from '../embed/embedder';
import type { ChangeMessage } from '../store/change-feed';
import type { PersonaStore } from '../store/persona-store';
import { postingsSpace, vectorSpace } from '../store/segments';

export interface RetrievedItem extends RetrievalHit {
  event: HistoryEvent;
}

export interface RetrievalResult {
  hits: RetrievedItem[];
  /** Where the time went: the query's embedding is reported apart from the search itself. */
  timings: { embedMs: number; searchMs: number };
}

const META_SLICE = 10_000;

export class HistoryRetrieval {
  #retriever: HybridRetriever;
  #seq = 0;
  #stop: () => void;
  #catchingUp: Promise<void> = Promise.resolve();

  private constructor(
    private readonly store: PersonaStore,
    private readonly embedder: Embedder | undefined,
  ) {
    this.#retriever = new HybridRetriever();
    this.#stop = store.subscribe((message) => {
      // Messages are applied one after another, in order, each after the previous catch-up finished.
      this.#catchingUp = this.#catchingUp.then(() => this.#apply(message)).catch((error: unknown) => {
        console.error('Persona could not apply a change to its retrieval index', error);
      });
    });
  }

  /** Loads the index from the store. Without an embedder, retrieval is keyword-only. */
  static async open(store: PersonaStore, embedder?: Embedder): Promise<HistoryRetrieval> {
    const retrieval = new HistoryRetrieval(store, embedder);
    await retrieval.reload();
    return retrieval;
  }

  get size(): number {
    return this.#retriever.size;
  }

  /** Rebuilds the whole index from the store (at open, and when a change is too large to apply piecemeal). */
  async reload(): Promise<void> {
    const seq = await this.store.segments.lastSeq();
    const tokenizer = this.store.connection.tokenizer ?? wordsTokenizer;
    const postings = await this.store.segments.load(postingsSpace(tokenizer.id));
    const retriever = new HybridRetriever(tokenizer, postings ? Bm25Index.fromSegments(postings) : new Bm25Index());
    // Facets stored with the postings give filters and recency what they need without reading 100k events; only
    // a history with events that lack them (keyword indexing was off, or written by an older build) is read whole.
    let withFacets = 0;
    for (const segment of postings?.segments ?? []) {
      if (!segment.postings?.facets) continue;
      const facets = facetsOf(segment.postings);
      segment.ids.forEach((id, slot) => {
        const meta = facets[slot];
        if (!segment.live[slot] || !meta) return;
        retriever.setMeta(id, meta);
        withFacets++;
      });
    }
    if (withFacets < (await this.store.events.count())) await this.#loadMeta(retriever);
    if (this.embedder) {
      const vectors = await this.store.segments.loadVectors(this.embedder.model);
      if (vectors) retriever.addVectors(vectors.ids, vectors.vectors, vectors.dim);
    }
    this.#retriever = retriever;
    this.#seq = seq;
  }

  async retrieve(text: string, options: RetrieveOptions & { signal?: AbortSignal } = {}): Promise<RetrievalResult> {
    await this.#catchingUp;
    const started = performance.now();
    const vector = this.embedder && this.#retriever.dense ? (await this.embedder.embed([text], options.signal ? { signal: options.signal } : {})) : undefined;
    const embedded = performance.now();
    const hits = this.#retriever.retrieve(vector ? { text, vector } : { text }, options);
    const searched = performance.now();
    const tx = this.store.connection.read(['events']).objectStore('events');
    const events = await Promise.all(hits.map((hit) => tx.get(hit.id)));
    const items: RetrievedItem[] = [];
    hits.forEach((hit, i) => {
      const event = events[i];
      if (event) items.push({ ...hit, event });
    });
    return { hits: items, timings: { embedMs: embedded - started, searchMs: searched - embedded } };
  }

  /** Stops following the change feed. */
  close(): void {
    this.#stop();
  }

  async #apply(message: ChangeMessage): Promise<void> {
    if (message.lifecycle === 'wiped') return;
    const events = message.changes.filter((c) => c.store === 'events');
    if (message.lifecycle === 'imported' || events.some((c) => !c.ids)) {
      await this.reload();
      return;
    }
    for (const change of events) {
      const ids = change.ids ?? [];
      if (change.op === 'delete') this.#retriever.remove(ids);
      else await this.#addMeta(ids);
    }
    if (message.changes.some((c) => c.store === 'segments')) await this.#loadNewSegments();
  }

  async #loadNewSegments(): Promise<void> {
    const tokenizer = this.store.connection.tokenizer ?? wordsTokenizer;
    const last = await this.store.segments.lastSeq();
    for (const segment of await this.store.segments.loadSince(postingsSpace(tokenizer.id), this.#seq)) {
      const documents = segment.postings ? documentsOf(segment.postings) : [];
      const facets = segment.postings ? facetsOf(segment.postings) : [];
      segment.ids.forEach((id, slot) => {
        const meta = facets[slot];
        if (meta && !this.#retriever.hasMeta(id)) this.#retriever.setMeta(id, meta);
        const terms = documents[slot];
        if (terms && this.#retriever.hasMeta(id)) this.#retriever.keyword.add(id, terms);
      });
    }
    if (this.embedder) {
      for (const segment of await this.store.segments.loadSince(vectorSpace(this.embedder.model), this.#seq)) {
        const known = segment.ids.map((id, slot) => ({ id, slot })).filter(({ id }) => this.#retriever.hasMeta(id));
        if (!segment.vectors || known.length === 0) continue;
        const vectors = new Float32Array(known.length * segment.dim);
        known.forEach(({ slot }, i) => { vectors.set((segment.vectors as Float32Array).subarray(slot * segment.dim, (slot + 1) * segment.dim), i * segment.dim); });
        this.#retriever.addVectors(known.map(({ id }) => id), vectors, segment.dim);
      }
    }
    this.#seq = last;
  }

  async #addMeta(ids: readonly string[]): Promise<void> {
    const tx = this.store.connection.read(['events']).objectStore('events');
    const events = await Promise.all(ids.map((id) => tx.get(id)));
    for (const event of events) if (event) this.#retriever.setMeta(event.id, { ts: event.ts, kind: event.kind, source: event.source });
  }

  async #loadMeta(retriever: HybridRetriever): Promise<void> {
    let after: string | undefined;
    for (;;) {
      const range = after === undefined ? undefined : IDBKeyRange.lowerBound(after, true);
      const batch = await this.store.connection.read(['events']).objectStore('events').getAll(range, META_SLICE);
      for (const event of batch) retriever.setMeta(event.id, { ts: event.ts, kind: event.kind, source: event.source });
      if (batch.length < META_SLICE) return;
      after = batch.at(-1)?.id;
    }
  }
}
