// Memories from conversation, at idle time: the local model reads the recent turns and proposes durable facts about
// the user as JSON constrained to MEMORY_CANDIDATES_SCHEMA; the whole answer is parsed strictly (one bad item rejects
// it all, nothing half-stored); planMerge() decides ADD, UPDATE or NONE against the existing memories, never a
// DELETE; the plan is applied through the store, each memory linked to the turns it came from.
import type { HistoryEvent } from '../core/history-event';
import type { Memory } from '../core/memory';
import { extractionPrompt, memoryCandidatesSchema, parseCandidates, type ExtractionTurn } from '../core/memory-candidates';
import { lexicalSimilarity, planMerge, type MergeOptions, type Similarity } from '../core/memory-merge';
import { InvalidInputError } from '../core/errors';
import type { ChatBackend } from '../llm/chat-backend';
import type { PersonaStore } from '../store/persona-store';

export interface ExtractionReport {
  turns: number;
  proposed: number;
  added: number;
  updated: number;
  unchanged: number;
  /** Why the model's answer was refused as a whole (malformed JSON, a bad item), when it was. */
  rejected?: string;
  /** The model's answer as it came (JSON under constrained decoding), for inspection. */
  modelAnswer?: string;
  /** Why the model was not asked at all (e.g. its context cannot hold the instructions and one turn). */
  skipped?: string;
}

export interface MemoryExtractorOptions {
  /** Recent message events read per run (default 12). */
  turns?: number;
  /** Tokens the model may write (default 384). */
  maxTokens?: number;
  /** How alike two memory texts are (default lexical; pass cosine of embeddings with matching thresholds). */
  similarity?: Similarity;
  merge?: MergeOptions;
  /** Existing memories shown to the model so it does not repeat them (default 20 most recent). */
  existingShown?: number;
}

export class MemoryExtractor {
  constructor(
    private readonly store: PersonaStore,
    private readonly options: MemoryExtractorOptions = {},
  ) {}

  /** `contextTokens`: the loaded model's context window; the prompt is cut to fit it with room for the answer. */
  async extract(backend: ChatBackend, contextTokens: number, signal?: AbortSignal): Promise<ExtractionReport> {
    const recent = await this.store.events.list({ kind: 'message', limit: this.options.turns ?? 12 });
    const events: HistoryEvent[] = [...recent.events].reverse();
    const turns: ExtractionTurn[] = events.filter((event) => event.role === 'user' || event.role === 'assistant').map((event) => ({ id: event.id, role: event.role ?? 'user', text: event.text }));
    const empty = { turns: turns.length, proposed: 0, added: 0, updated: 0, unchanged: 0 };
    if (!turns.some((turn) => turn.role === 'user')) return empty;

    const existing = await this.store.memories.list();
    const maxTokens = Math.min(this.options.maxTokens ?? 384, Math.floor(contextTokens / 3));
    const fitted = await this.#fit(backend, turns, existing, contextTokens - maxTokens);
    if (!fitted) return { ...empty, skipped: `the model's context (${contextTokens} tokens) cannot hold the extraction instructions and one turn` };
    const answer = await backend.chat(fitted.prompt, {
      json: memoryCandidatesSchema(fitted.turns.length),
      maxTokens,
      temperature: 0,
      ...(signal ? { signal } : {}),
    });
    if (answer.finishReason === 'abort') return empty;
    let candidates;
    try {
      ({ candidates } = parseCandidates(answer.text, fitted.turns));
    } catch (error) {
      if (error instanceof InvalidInputError) return { ...empty, rejected: error.message, modelAnswer: answer.text };
      throw error;
    }
    const plan = planMerge(candidates, existing, this.options.similarity ?? lexicalSimilarity, this.options.merge);
    const report = { ...empty, proposed: candidates.length, modelAnswer: answer.text };
    for (const decision of plan) {
      if (decision.op === 'ADD') {
        await this.store.memories.add(decision.input);
        report.added++;
      } else if (decision.op === 'UPDATE') {
        await this.store.memories.update(decision.id, decision.patch, 'model', decision.reason);
        report.updated++;
      } else report.unchanged++;
    }
    return report;
  }

  /**
   * The prompt that fits `budget` tokens as the model counts them: fewer known memories first, then fewer (older
   * turns dropped first), then shorter turns. Undefined when even one shortened turn does not fit.
   */
  async #fit(backend: ChatBackend, turns: ExtractionTurn[], existing: readonly Memory[], budget: number) {
    const newest = [...existing].sort((a, b) => b.updatedAt - a.updatedAt);
    let shown = newest.slice(0, this.options.existingShown ?? 20);
    let kept = turns;
    let maxTurnChars = 2_000;
    for (let attempt = 0; attempt < 24; attempt++) {
      const prompt = extractionPrompt(kept, shown, { maxTurnChars });
      if ((await backend.countChatTokens(prompt)) <= budget) return { prompt, turns: kept };
      if (shown.length > 0) shown = shown.slice(0, Math.floor(shown.length / 2));
      else if (kept.length > 1) kept = kept.slice(Math.ceil(kept.length / 4));
      else if (maxTurnChars > 64) maxTurnChars = Math.floor(maxTurnChars / 2);
      else return undefined;
    }
    return undefined;
  }
}
