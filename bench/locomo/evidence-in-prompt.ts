// Does the evidence a question needs end up inside the prompt? For one question: the prompt the composer builds
// from the ranked hits at a token budget with its default settings (optionally with neighbour turns quoted beside the
// hits), beside plain top-k — the ranked hits' texts taken in order, with no markup, cut at the same number of
// evidence tokens. Both count tokens with estimateTokens, the composer's stated estimate. An evidence turn whose
// text the composer shortened still counts as in the prompt; `charsKept` says how much of the evidence text went in.
import { composePrompt, type ComposerEvidence } from '../../src/core/prompt-composer';
import { estimateTokens } from '../../src/core/token-estimate';

export interface Turn {
  id: string;
  text: string;
}

export interface PromptCase {
  question: string;
  evidence: readonly string[];
  /** Ranked hits (best first). */
  hits: readonly Turn[];
  /** The turn before each turn, by id (the question a reply answers). */
  previous: ReadonlyMap<string, Turn>;
}

export interface Inclusion {
  /** Every evidence turn is in the prompt. */
  all: boolean;
  /** Share of the evidence turns in the prompt. */
  share: number;
  /** Tokens the evidence section took. */
  tokens: number;
  /** Share of the evidence turns' characters that went in (shortened turns count less). */
  charsKept: number;
}

/** Composer settings that do not vary with the budget. */
const ANSWER_TOKENS = 512;

function inclusion(test: PromptCase, included: ReadonlyMap<string, number>, tokens: number): Inclusion {
  const { evidence } = test;
  const found = evidence.filter((id) => included.has(id)).length;
  const length = (id: string) => test.hits.find((hit) => hit.id === id)?.text.length ?? test.previous.get(id)?.text.length ?? 0;
  const total = evidence.reduce((sum, id) => sum + length(id), 0);
  const kept = evidence.reduce((sum, id) => sum + Math.min(length(id), included.get(id) ?? 0), 0);
  return { all: found === evidence.length, share: found / evidence.length, tokens, charsKept: total > 0 ? kept / total : 0 };
}

/** The composer at `budget` prompt tokens (context − answer), neighbours on or off. */
export function composed(test: PromptCase, budget: number, neighbours: boolean): Inclusion {
  const evidence: ComposerEvidence[] = test.hits.map((hit, rank) => {
    const before = neighbours ? test.previous.get(hit.id) : undefined;
    return { id: hit.id, text: hit.text, ts: rank, kind: 'message', ...(before ? { context: [{ id: before.id, text: before.text }] } : {}) };
  });
  const prompt = composePrompt({ conversation: [{ role: 'user', content: test.question }], evidence }, { contextTokens: budget + ANSWER_TOKENS, answerTokens: ANSWER_TOKENS, countTokens: estimateTokens });
  // What of each turn is in the prompt: its history line (escaped text after the [id · date] tag), or its full text
  // when it was quoted as a neighbour.
  const lines = new Map<string, number>();
  for (const line of prompt.system.split('\n')) {
    const match = /^\[([^ \]]+) [^\]]*\] (.*)$/.exec(line);
    if (match?.[1]) lines.set(match[1], match[2]?.length ?? 0);
  }
  const included = new Map<string, number>();
  let tokens = 0;
  for (const item of prompt.provenance) {
    if (item.kind !== 'event') continue;
    included.set(item.id, lines.get(item.id) ?? 0);
    for (const id of item.context ?? []) included.set(id, test.previous.get(item.id)?.text.length ?? 0);
    tokens += item.tokens;
  }
  return inclusion(test, included, tokens);
}

/**
 * Plain top-k: the ranked hits' texts in order, one per line with no markup at all (the cheapest a baseline can be
 * counted), until `tokens` evidence tokens are spent.
 */
export function topKSameTokens(test: PromptCase, tokens: number): Inclusion {
  const included = new Map<string, number>();
  let spent = 0;
  for (const hit of test.hits) {
    const cost = estimateTokens(`\n${hit.text}`);
    if (spent + cost > tokens) break;
    spent += cost;
    included.set(hit.id, hit.text.length);
  }
  return inclusion(test, included, spent);
}
