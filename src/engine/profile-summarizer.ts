// Writes the profile summary with the local model (see src/core/profile-summary.ts), from the newest history that
// fits the model's context, and stores it with the events it was written from. A user's edit is kept (the store
// refuses a model write over it); a stale summary is written again without the events that were deleted.
import { InvalidInputError } from '../core/errors';
import { parseSummary, SUMMARY_SCHEMA, summaryPrompt, type SummaryData } from '../core/profile-summary';
import type { ChatBackend } from '../llm/chat-backend';
import type { PersonaStore } from '../store/persona-store';

export interface SummaryReport {
  written: boolean;
  /** The user edited the summary: the model's text was not stored over it. */
  keptUserEdit?: boolean;
  /** Why the model's answer was refused, or why it was not asked. */
  rejected?: string;
  skipped?: string;
  text?: string;
  sourceEventIds: string[];
}

/** Kinds that say something about the person (searches and clicks alone say little). */
const TELLING_KINDS = new Set(['note', 'message', 'rating', 'purchase', 'preference', 'read', 'view']);

export class ProfileSummarizer {
  constructor(
    private readonly store: PersonaStore,
    private readonly options: { events?: number; maxTokens?: number } = {},
  ) {}

  async refresh(backend: ChatBackend, contextTokens: number, signal?: AbortSignal): Promise<SummaryReport> {
    const [profile, memories, page] = await Promise.all([
      this.store.profile.get(),
      this.store.memories.list(),
      this.store.events.list({ limit: Math.min(200, (this.options.events ?? 40) * 2) }),
    ]);
    if (profile.summary?.editedAt !== undefined) return { written: false, keptUserEdit: true, sourceEventIds: profile.summary.sourceEventIds };
    const events = page.events.filter((event) => TELLING_KINDS.has(event.kind) && event.role !== 'assistant').slice(0, this.options.events ?? 40).reverse();
    if (events.length === 0 && memories.length === 0) return { written: false, skipped: 'nothing to summarise yet', sourceEventIds: [] };
    const data: SummaryData = {
      preferences: Object.fromEntries(Object.entries(profile.preferences).map(([key, p]) => [key, p.value])),
      memories: memories.slice(0, 20),
      events,
      ...(profile.summary && profile.summary.staleSince === undefined ? { previous: profile.summary.text } : {}),
    };
    const maxTokens = Math.min(this.options.maxTokens ?? 200, Math.floor(contextTokens / 3));
    // Newest events are kept: drop the oldest until the prompt fits the model's context.
    let prompt = summaryPrompt(data);
    while ((await backend.countChatTokens(prompt)) > contextTokens - maxTokens) {
      if (data.events.length === 0) return { written: false, skipped: `the model's context (${contextTokens} tokens) cannot hold the summary prompt`, sourceEventIds: [] };
      data.events = data.events.slice(Math.ceil(data.events.length / 4));
      prompt = summaryPrompt(data);
    }
    const answer = await backend.chat(prompt, { json: SUMMARY_SCHEMA, maxTokens, temperature: 0, ...(signal ? { signal } : {}) });
    const sourceEventIds = data.events.map((event) => event.id);
    if (answer.finishReason === 'abort') return { written: false, skipped: 'cancelled', sourceEventIds };
    let text: string;
    try {
      text = parseSummary(answer.text);
    } catch (error) {
      if (error instanceof InvalidInputError) return { written: false, rejected: error.message, sourceEventIds };
      throw error;
    }
    const written = await this.store.profile.setSummary({ text, sourceEventIds, by: 'model' });
    return { written, ...(written ? {} : { keptUserEdit: true }), text, sourceEventIds };
  }
}
