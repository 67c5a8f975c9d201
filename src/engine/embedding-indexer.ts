// Drains the embedding queue: the oldest pending events are embedded in batches (a conversation's message with the
// exchange before it as context) and their vectors appended to the store, which marks them done in the same transaction. Stopping (abort, tab closed) loses nothing: what was not
// written stays pending and the next drain resumes there.
import { CONTEXT_WEIGHTS, mixContext, takesContext, type ContextRows } from '../core/conversation-context';
import type { HistoryEvent } from '../core/history-event';
import type { Embedder } from '../embed/embedder';
import { EmbeddingQueue } from '../store/embedding-queue';
import type { PersonaStore } from '../store/persona-store';
import { vectorSpace } from '../store/segments';

export interface IndexingProgress {
  embedded: number;
  pending: number;
}

export interface DrainResult {
  embedded: number;
  skipped: number;
  failed: number;
  /** True when the signal stopped the drain before the queue was empty. */
  aborted: boolean;
}

export class EmbeddingIndexer {
  readonly queue: EmbeddingQueue;

  constructor(
    private readonly store: PersonaStore,
    private readonly embedder: Embedder,
    private readonly options: { batchSize?: number; onProgress?: (progress: IndexingProgress) => void } = {},
  ) {
    this.queue = new EmbeddingQueue(store.connection);
  }

  async drain(signal?: AbortSignal): Promise<DrainResult> {
    const result: DrainResult = { embedded: 0, skipped: 0, failed: 0, aborted: false };
    const batchSize = this.options.batchSize ?? 64;
    for (;;) {
      if (signal?.aborted) return { ...result, aborted: true };
      const batch = await this.queue.next(batchSize);
      if (batch.length === 0) {
        await this.#dropOtherModels();
        // Each batch appended its own segment: merge them so the next cold start reads a few large records.
        await this.store.segments.compactIfFragmented(vectorSpace(this.embedder.model));
        return result;
      }
      const empty = batch.filter((e) => e.text.trim() === '');
      const texts = batch.filter((e) => e.text.trim() !== '');
      if (empty.length > 0) {
        await this.queue.mark(empty.map((e) => e.id), 'skipped');
        result.skipped += empty.length;
      }
      if (texts.length === 0) continue;
      let vectors: Float32Array;
      try {
        vectors = await this.#embed(texts, signal);
      } catch (error) {
        if (signal?.aborted) return { ...result, aborted: true };
        // One bad text must neither block the queue nor take its batch down: embed the batch one by one and
        // mark only what still fails (EmbeddingQueue.retryFailed() puts those back, e.g. at the next start).
        const single = await this.#oneByOne(texts, signal);
        if (single.aborted) return { ...result, aborted: true };
        // Nothing at all could be embedded: the embedder is failing, not the texts. Stop and mark nothing, so the
        // queue is intact for the next drain.
        if (single.ids.length === 0) throw error;
        result.failed += single.failed.length;
        if (single.failed.length > 0) {
          await this.queue.mark(single.failed, 'failed');
          console.warn(`Persona could not embed ${single.failed.length} event(s)`, error);
        }
        result.embedded += await this.store.segments.appendVectors(this.embedder.model, this.embedder.dim, single.ids, single.vectors);
        continue;
      }
      result.embedded += await this.store.segments.appendVectors(this.embedder.model, this.embedder.dim, texts.map((e) => e.id), vectors);
      this.options.onProgress?.({ embedded: result.embedded, pending: await this.queue.pending() });
    }
  }

  /**
   * Once the whole history is embedded with this model, vectors of earlier models go. Until then they are kept, so
   * a switch abandoned half-way (back to the old model) still has them.
   */
  async #dropOtherModels(): Promise<void> {
    const current = vectorSpace(this.embedder.model);
    for (const space of await this.store.segments.spaceNames()) {
      if (space.startsWith(vectorSpace('')) && space !== current) await this.store.segments.dropSpace(space);
    }
  }

  /**
   * The events' vectors: each message of a conversation carries its previous message as context
   * (core/conversation-context). Texts are embedded once each, the batch's own first; a context already in the batch
   * reuses its row.
   */
  async #embed(events: readonly HistoryEvent[], signal?: AbortSignal): Promise<Float32Array> {
    const found = await this.store.events.previousMessages(events.filter(takesContext), CONTEXT_WEIGHTS.length);
    let next = 0;
    const contexts = events.map((event) => (takesContext(event) ? (found[next++] ?? []) : []));
    const rowOf = new Map<string, number>();
    const texts: string[] = [];
    const row = (event: HistoryEvent): number => {
      let index = rowOf.get(event.id);
      if (index === undefined) {
        index = texts.push(event.text) - 1;
        rowOf.set(event.id, index);
      }
      return index;
    };
    const own = events.map(row);
    const rows: ContextRows[] = events.map((_, i) => ({ own: own[i] ?? 0, context: (contexts[i] ?? []).map(row) }));
    const pool = await this.embedder.embed(texts, signal ? { signal } : {});
    if (rows.every((r) => r.context.length === 0)) return pool;
    return mixContext(pool, this.embedder.dim, rows);
  }

  async #oneByOne(events: readonly HistoryEvent[], signal?: AbortSignal): Promise<{ ids: string[]; vectors: Float32Array; failed: string[]; aborted: boolean }> {
    const dim = this.embedder.dim;
    const ids: string[] = [];
    const failed: string[] = [];
    const vectors = new Float32Array(events.length * dim);
    for (const event of events) {
      try {
        vectors.set(await this.#embed([event], signal), ids.length * dim);
        ids.push(event.id);
      } catch {
        if (signal?.aborted) return { ids, vectors, failed, aborted: true };
        failed.push(event.id);
      }
    }
    return { ids, vectors: vectors.slice(0, ids.length * dim), failed, aborted: false };
  }
}
