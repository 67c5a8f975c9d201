// DeterministicTestBackend: a ChatBackend for Node tests of the engine, named as the test double it is. It runs no
// model: its answer lists the <user-data> pieces it found in the system prompt and echoes the question, streamed
// word by word, so tests can check what the engine sent and how it handles streaming, abort and usage. The real
// backends (wllama with stories260K) are tested in Chromium.
import type { BackendKind, ChatBackend, ChatMessage, ChatResult, GenerateOptions } from '../../src/llm/chat-backend';
import type { ModelSpec } from '../../src/llm/model-spec';

export class DeterministicTestBackend implements ChatBackend {
  readonly kind: BackendKind = 'wllama';
  model: string | undefined = 'deterministic-test';
  /** Every conversation it was asked, as it received it. */
  readonly received: ChatMessage[][] = [];

  load(spec: ModelSpec): Promise<void> {
    this.model = spec.id;
    return Promise.resolve();
  }

  /**
   * The answer to JSON-constrained requests. Default: for a summary schema, a summary naming how many pieces of user
   * data it was shown; for the memory schema, one memory quoting the first user turn it was shown.
   */
  jsonAnswer: ((messages: readonly ChatMessage[]) => string) | undefined;

  chat(messages: readonly ChatMessage[], options: GenerateOptions = {}): Promise<ChatResult> {
    this.received.push(messages.map((m) => ({ ...m })));
    if (options.json) {
      const wantsSummary = 'summary' in ((options.json as { properties?: object }).properties ?? {});
      return this.#stream((this.jsonAnswer ?? (wantsSummary ? countedSummary : firstUserTurnAsMemory))(messages), { ...options, maxTokens: Infinity });
    }
    const system = messages.find((m) => m.role === 'system')?.content ?? '';
    const pieces = [
      ...[...system.matchAll(/<user-data (\w+)="([^"]*)"/g)].map((match) => `${match[1] ?? ''}:${match[2] ?? ''}`),
      ...[...system.matchAll(/^\[([^ \]]+)[^\]]*\]/gm)].map((match) => `event:${match[1] ?? ''}`),
    ];
    const question = messages.at(-1)?.content ?? '';
    return this.#stream(`Seen ${pieces.join(' ')} for ${question}`, options);
  }

  complete(prompt: string, options: GenerateOptions = {}): Promise<ChatResult> {
    return this.#stream(`Completed ${prompt}`, options);
  }

  countTokens(text: string): Promise<number> {
    return Promise.resolve(text.split(/\s+/).filter(Boolean).length);
  }

  async countChatTokens(messages: readonly ChatMessage[]): Promise<number> {
    let total = 0;
    for (const message of messages) total += (await this.countTokens(message.content)) + 4;
    return total;
  }

  unload(): Promise<void> {
    this.model = undefined;
    return Promise.resolve();
  }

  async #stream(answer: string, { onToken, signal, maxTokens = 256 }: GenerateOptions): Promise<ChatResult> {
    const words = answer.split(/(?<= )/);
    let text = '';
    let count = 0;
    for (const word of words) {
      if (signal?.aborted) return { text, finishReason: 'abort', usage: { promptTokens: 0, completionTokens: count } };
      if (count === maxTokens) return { text, finishReason: 'length', usage: { promptTokens: 0, completionTokens: count } };
      await Promise.resolve();
      text += word;
      count++;
      onToken?.(word);
    }
    return { text, finishReason: 'stop', usage: { promptTokens: 0, completionTokens: count } };
  }
}

/** A valid memory-candidates answer: the first <user-data turn="N" role="user"> quoted in the prompt, as a fact. */
function firstUserTurnAsMemory(messages: readonly ChatMessage[]): string {
  const prompt = messages.map((m) => m.content).join('\n');
  const turn = /<user-data turn="(\d+)" role="user">([^<]*)<\/user-data>/.exec(prompt);
  if (!turn) return '{"memories":[]}';
  return JSON.stringify({ memories: [{ text: (turn[2] ?? '').slice(0, 200), category: 'fact', confidence: 0.9, sourceTurns: [Number(turn[1])] }] });
}

/** A valid summary answer that says what it was given: the number of <user-data> pieces and the first event's text. */
function countedSummary(messages: readonly ChatMessage[]): string {
  const prompt = messages.map((m) => m.content).join('\n');
  const pieces = prompt.match(/<user-data[ >]/g)?.length ?? 0;
  const firstEvent = /<user-data event="[^"]*"[^>]*>([^<]*)<\/user-data>/.exec(prompt)?.[1] ?? '';
  return JSON.stringify({ summary: `Summary of ${pieces} pieces; first: ${firstEvent}`.slice(0, 600) });
}
