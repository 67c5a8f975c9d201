// What the LLM benchmark's driver (bench/llm.ts, Node), its native side (bench/llm/native.ts) and its page
// (bench/llm/llm-bench.ts, Chromium) agree on: the prompts, how a run is timed, and the shape of a result.
//
// Timing, the same on both sides: the clock starts when the completion is asked for and stops at each generated
// token as the caller receives it. TTFT = first token − start (prompt evaluation included). Decode tokens/s =
// (tokens − 1) / (last token − first token): the steady generation rate, where the matrix kernels decide.

/** Shared by every run: long enough that prompt evaluation is a real batch, the same text for every model. */
export const BASE_PROMPT =
  'went to the park with a red ball and a little dog. The sun was warm and the sky was blue. ' +
  'They played by the big tree until it was time to go home, and then they ate soup and bread with mom and dad.';

/**
 * Each run's prompt starts with another of these words. llama.cpp (wllama's server slots included) reuses the KV
 * cache of a prompt prefix it has seen; a different first word after BOS leaves nothing to reuse, so every run
 * evaluates its whole prompt. The driver keeps the words whose prompts have the same token count in a model.
 */
export const LEAD_WORDS = [
  'Tom', 'Anna', 'Ben', 'Sue', 'Max', 'Lucy', 'Sam', 'Mia', 'Tim', 'Zoe', 'Jack', 'Lily', 'Bob', 'Kate', 'Dan',
  'Amy', 'Jill', 'Ted', 'Ella', 'Finn', 'Rose', 'Leo', 'Ava', 'Jim', 'Nora', 'Paul', 'Ruby', 'Ned', 'Ivy', 'Joe',
];

export function promptFor(lead: string): string {
  return `${lead} ${BASE_PROMPT}`;
}

export interface RunSample {
  promptTokens: number;
  tokens: number;
  ttftMs: number;
  decodeTokensPerS: number;
  totalMs: number;
}

export interface SideResult {
  side: 'wllama' | 'native';
  threads: number;
  /** Threads the runtime reports it runs on (wllama: 1 unless multi-threading really started). */
  threadsInUse: number;
  loadMs: number;
  warmup: RunSample[];
  runs: RunSample[];
  /** Greedy text of the first timed run, to check both sides generate the same tokens. */
  text: string;
}

export interface ModelJob {
  id: string;
  /** Where the page downloads the GGUF from (the dev server's /test-models/). */
  url: string;
  contextSize: number;
  threads: number;
  maxTokens: number;
}

export interface PageEnvironment {
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  wasmSimd: boolean;
  wasmThreads: boolean;
  userAgent: string;
}


/** The timing of one run from when it was asked for and when each token arrived. */
export function sampleRun(start: number, tokenTimes: readonly number[], promptTokens: number, tokens: number): RunSample {
  const first = tokenTimes[0] ?? Number.NaN;
  const last = tokenTimes.at(-1) ?? Number.NaN;
  return {
    promptTokens,
    tokens,
    ttftMs: first - start,
    // The runtime's count, not the callbacks': a token that ends mid-character arrives joined to the next one.
    decodeTokensPerS: tokenTimes.length > 1 ? ((tokens - 1) * 1000) / (last - first) : Number.NaN,
    totalMs: last - start,
  };
}

export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
