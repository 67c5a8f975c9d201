// Both llama.cpp (wllama) and web-llm stream OpenAI-style chunks: a piece of text per chunk (`text` for raw
// completions, `delta.content` for chat), a finish reason on the last one, and usage (or, for wllama's chat streams,
// timings) at the end. This gathers them into the ChatResult every backend returns, passing each piece on as it comes.
import type { ChatResult } from './chat-backend';

export interface OpenAiStyleChunk {
  choices: { text?: string; delta?: { content?: string | null }; finish_reason?: string | null }[];
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
  /** llama.cpp's timings: prompt tokens = reused cache + evaluated. */
  timings?: { cache_n: number; prompt_n: number; predicted_n: number };
}

export class AnswerStream {
  #text = '';
  #pieces = 0;
  #finishReason: 'stop' | 'length' = 'stop';
  #usage: ChatResult['usage'] | undefined;

  constructor(private readonly onToken?: (piece: string) => void) {}

  add(chunk: OpenAiStyleChunk): void {
    const choice = chunk.choices[0];
    const piece = choice?.text ?? choice?.delta?.content ?? '';
    if (piece) {
      this.#text += piece;
      this.#pieces++;
      this.onToken?.(piece);
    }
    if (choice?.finish_reason === 'length') this.#finishReason = 'length';
    if (chunk.usage) this.#usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens };
    else if (chunk.timings) this.#usage = { promptTokens: chunk.timings.cache_n + chunk.timings.prompt_n, completionTokens: chunk.timings.predicted_n };
  }

  /** The answer so far; `aborted` when the caller's signal stopped it. Without reported usage, pieces count as tokens. */
  result(aborted: boolean): ChatResult {
    return { text: this.#text, finishReason: aborted ? 'abort' : this.#finishReason, usage: this.#usage ?? { promptTokens: 0, completionTokens: this.#pieces } };
  }
}
