// Runs the optional LLM re-ranking (src/core/llm-rerank.ts) on the top of a ranked list with the loaded model: the
// prompt is trimmed to the model's context (liked items first, then the summary), the answer is constrained to the
// item numbers, and the list comes back with the top re-ordered and marked, the rest as the blend left it.
import { applyModelOrder, rerankPrompt, rerankSchema, type RerankCandidate, type RerankContext } from '../core/llm-rerank';
import type { RankedItem } from '../core/ranking';
import type { ChatBackend } from '../llm/chat-backend';

/** A ranked item, and for the re-ranked top, the model's part in its position. */
export type RerankedItem = RankedItem & {
  /** Set on the items the model was asked about: `followed` is false when its answer was not a full valid order. */
  rerank?: { by: 'model'; followed: boolean };
};

export interface RerankRequest {
  backend: ChatBackend;
  contextTokens: number;
  ranked: readonly RankedItem[];
  /** Item texts by id (what the model reads). */
  texts: ReadonlyMap<string, string>;
  context: RerankContext;
  count: number;
  signal?: AbortSignal;
}

export async function rerankTop({ backend, contextTokens, ranked, texts, context, count, signal }: RerankRequest): Promise<RerankedItem[]> {
  const top = ranked.slice(0, count);
  if (top.length < 2) return [...ranked];
  const candidates: RerankCandidate[] = top.map((item) => ({ id: item.id, ...(texts.has(item.id) ? { text: texts.get(item.id) } : {}) }));
  const maxTokens = 8 + top.length * 4;
  let fitted = context;
  let prompt = rerankPrompt(candidates, fitted);
  // Drop what the user context holds, least telling first, until the prompt fits beside the answer.
  while ((await backend.countChatTokens(prompt)) > contextTokens - maxTokens && (fitted.liked.length > 0 || fitted.summary)) {
    fitted = fitted.liked.length > 0 ? { ...fitted, liked: fitted.liked.slice(0, -1) } : { preferences: fitted.preferences, liked: [] };
    prompt = rerankPrompt(candidates, fitted);
  }
  const answer = await backend.chat(prompt, { json: rerankSchema(top.length), maxTokens, temperature: 0, ...(signal ? { signal } : {}) });
  const { order, followed } = applyModelOrder(answer.text, top.length);
  const reordered: RerankedItem[] = order.map((i) => ({ ...(top[i] as RankedItem), rerank: { by: 'model', followed } }));
  return [...reordered, ...ranked.slice(top.length)];
}
