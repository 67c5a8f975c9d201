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

const MAX_QUERY_CHARS = 2_000;

export class HistoryRetrieval {
  #retriever: HybridRetriever;
  #seq = 0;
  #stop: () => void;
  /** Every change to the index (a full load or one feed message) runs in this chain, one after another, in order. */
  #catchingUp: Promise<void> = Promise.resolve();

  private constructor(
    private readonly store: PersonaStore,
    private readonly embedder: Embedder | undefined,
  ) {
    this.#retriever = new HybridRetriever();
    this.#stop = store.subscribe((message) => {
      this.#enqueue(() => this.#apply(message)).catch((error: unknown) => {
        // The index may now differ from the store: log, and rebuild it from the store.
        console.error('Persona could not apply a change to its retrieval index; reloading it', error);
        this.#enqueue(() => this.#reloadNow()).catch((reloadError: unknown) => {
          console.error('Persona could not reload its retrieval index', reloadError);
        });
      });
    });
  }

  /** Loads the index from the store. Without an embedder, retrieval is keyword-only. */
  static async open(store: PersonaStore, embedder?: Embedder): Promise<HistoryRetrieval> {
    const retrieval = new HistoryRetrieval(store, embedder);
    try {
      await retrieval.reload();
    } catch (error) {
      retrieval.close();
      throw error;
    }
    return retrieval;
  }

  get size(): number {
    return this.#retriever.size;
  }

  /** Rebuilds the whole index from the store, in turn with the feed's changes (they never race it). */
  reload(): Promise<void> {
    return this.#enqueue(() => this.#reloadNow());
  }

  async retrieve(query: string, options: RetrieveOptions & { signal?: AbortSignal } = {}): Promise<RetrievalResult> {
    // A query is a question, not a document: bounded, so a pasted book cannot stall the embedder.
    const text = query.slice(0, MAX_QUERY_CHARS);
    await this.#catchingUp;
    const started = performance.now();
    const vector = this.embedder && this.#retriever.dense ? await this.embedder.embed([text], options.signal ? { signal: options.signal } : {}) : undefined;
    const embedded = performance.now();
    const hits = this.#retriever.retrieve(vector ? { text, vector } : { text }, options);
    const searched = performance.now();
    const events = await this.store.events.getMany(hits.map((hit) => hit.id));
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

  /** Runs `work` after everything queued before it; its failure is the caller's, and never blocks the chain. */
  #enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.#catchingUp.then(work);
    this.#catchingUp = run.catch(() => undefined);
    return run;
  }

  /** Builds a new index from the store and swaps it in with the segment number it was read at. */
  async #reloadNow(): Promise<void> {
    // Read first: a segment written meanwhile is then read again by the next catch-up, never missed.
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
    if (withFacets < (await this.store.events.count())) {
      await this.store.events.scan((events) => {
        for (const event of events) retriever.setMeta(event.id, { ts: event.ts, kind: event.kind, source: event.source });
      });
    }
    if (this.embedder) {
      const vectors = await this.store.segments.loadVectors(this.embedder.model);
      if (vectors) retriever.addVectors(vectors.ids, vectors.vectors, vectors.dim);
    }
    this.#retriever = retriever;
    this.#seq = seq;
  }

  async #apply(message: ChangeMessage): Promise<void> {
    if (message.lifecycle === 'wiped' || message.lifecycle === 'locked') {
      // Nothing of a wiped or locked history may stay in memory.
      this.#retriever = new HybridRetriever(this.store.connection.tokenizer ?? wordsTokenizer);
      this.#seq = 0;
      return;
    }
    const events = message.changes.filter((c) => c.store === 'events');
    if (message.lifecycle === 'imported' || message.lifecycle === 'unlocked' || events.some((c) => !c.ids)) {
      await this.#reloadNow();
      return;
    }
    for (const change of events) {
      const ids = change.ids ?? [];
      if (change.op === 'delete') {
        // Messages are applied in order but read today's store: an id deleted and recorded again since must stay.
        const now = await this.store.events.getMany(ids);
        this.#retriever.remove(ids.filter((_, i) => now[i] === undefined));
      } else {
        await this.#addMeta(ids);
      }
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
    for (const event of await this.store.events.getMany(ids)) {
      if (event) this.#retriever.setMeta(event.id, { ts: event.ts, kind: event.kind, source: event.source });
    }
  }
}
