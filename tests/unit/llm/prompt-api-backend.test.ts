// Chrome's Prompt API cannot run here (no built-in model in this Chromium), so PromptApiBackend is tested against
// FakeLanguageModel, a fake of the documented API surface (availability, create with initialPrompts/monitor/signal,
// promptStreaming with responseConstraint, measureInputUsage, destroy). It checks Persona's side of the boundary:
// the conversation becomes the session's history, pieces stream in order, abort and maxTokens stop the stream,
// the JSON schema is passed as the response constraint, sessions are destroyed, failures are named errors.
import { describe, expect, test } from 'vitest';
import { GenerationError, ModelLoadError, ModelNotLoadedError } from '../../../src/core/errors';
import { PromptApiBackend, type LanguageModelApi, type LanguageModelSession } from '../../../src/llm/prompt-api-backend';

class FakeLanguageModel implements LanguageModelApi {
  readonly created: { initialPrompts?: unknown; temperature?: number; topK?: number }[] = [];
  readonly prompts: { input: string; responseConstraint?: unknown }[] = [];
  destroyed = 0;

  constructor(
    private readonly state = 'available',
    private readonly answer = ['Hello', ' there', ', friend', '.', ' More', ' words', ' follow', ' here', '.'],
  ) {}

  availability(): Promise<string> {
    return Promise.resolve(this.state);
  }

  create(options: Parameters<LanguageModelApi['create']>[0] = {}): Promise<LanguageModelSession> {
    this.created.push({ initialPrompts: options.initialPrompts, temperature: options.temperature, topK: options.topK });
    if (options.monitor) {
      const monitor = new EventTarget();
      options.monitor(monitor);
      for (const loaded of [0.5, 1]) monitor.dispatchEvent(Object.assign(new Event('downloadprogress'), { loaded }));
    }
    const answer = this.answer;
    return Promise.resolve({
      promptStreaming: (input: string, promptOptions: { signal?: AbortSignal; responseConstraint?: unknown } = {}) => {
        this.prompts.push({ input, responseConstraint: promptOptions.responseConstraint });
        let i = 0;
        return new ReadableStream<string>({
          pull(controller) {
            if (promptOptions.signal?.aborted) controller.error(promptOptions.signal.reason);
            else if (i < answer.length) controller.enqueue(answer[i++]);
            else controller.close();
          },
        });
      },
      measureInputUsage: (input: string) => Promise.resolve(input.split(/\s+/).length),
      destroy: () => {
        this.destroyed++;
      },
    });
  }
}

async function loaded(api = new FakeLanguageModel()): Promise<{ backend: PromptApiBackend; api: FakeLanguageModel }> {
  const backend = new PromptApiBackend(api);
  await backend.load({ id: 'browser-built-in' });
  return { backend, api };
}

describe('PromptApiBackend against FakeLanguageModel (the Prompt API cannot run here)', () => {
  test('load reports the browser download and leaves no session open', async () => {
    const api = new FakeLanguageModel('downloadable');
    const backend = new PromptApiBackend(api);
    const progress: number[] = [];
    await backend.load({ id: 'x' }, { onProgress: (p) => progress.push(p.fraction) });
    expect(progress).toEqual([0.5, 1, 1]);
    expect(backend.model).toBe('browser-built-in');
    expect(api.destroyed).toBe(1);
  });

  test('no API, or an unavailable model, is a named ModelLoadError', async () => {
    await expect(new PromptApiBackend(undefined).load({ id: 'x' })).rejects.toBeInstanceOf(ModelLoadError);
    await expect(new PromptApiBackend(new FakeLanguageModel('unavailable')).load({ id: 'x' })).rejects.toBeInstanceOf(ModelLoadError);
    await expect(new PromptApiBackend(new FakeLanguageModel()).complete('hi')).rejects.toBeInstanceOf(ModelNotLoadedError);
  });

  test('chat: earlier messages become the session history, the last is prompted, pieces stream in order, greedy by default', async () => {
    const { backend, api } = await loaded();
    const pieces: string[] = [];
    const result = await backend.chat(
      [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'user', content: 'How are you today?' },
      ],
      { onToken: (p) => pieces.push(p) },
    );
    expect(result.text).toBe('Hello there, friend. More words follow here.');
    expect(pieces.join('')).toBe(result.text);
    expect(result.usage).toEqual({ promptTokens: 4, completionTokens: 9 });
    expect(api.created.at(-1)).toEqual({ initialPrompts: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello!' }], temperature: 0, topK: 1 });
    expect(api.prompts.at(-1)?.input).toBe('How are you today?');
    expect(api.destroyed).toBe(2);
  });

  test('maxTokens stops the stream (about 4 characters a token) with finishReason length', async () => {
    const { backend } = await loaded();
    const result = await backend.complete('Say something', { maxTokens: 3 });
    expect(result.finishReason).toBe('length');
    expect(result.text).toBe('Hello there, friend');
  });

  test('abort stops the stream and resolves with what came', async () => {
    const { backend } = await loaded();
    const controller = new AbortController();
    let n = 0;
    const result = await backend.complete('Say something', {
      signal: controller.signal,
      onToken: () => {
        if (++n === 2) controller.abort();
      },
    });
    expect(result.finishReason).toBe('abort');
    expect(result.text).toBe('Hello there');
  });

  test('a JSON schema is passed as the response constraint; a chat not ending with the user is refused', async () => {
    const { backend, api } = await loaded(new FakeLanguageModel('available', ['{"mood":', '"happy"}']));
    const schema = { type: 'object', properties: { mood: { enum: ['happy', 'sad'] } } };
    const result = await backend.complete('Mood?', { json: schema });
    expect(JSON.parse(result.text)).toEqual({ mood: 'happy' });
    expect(api.prompts.at(-1)?.responseConstraint).toBe(schema);
    await expect(backend.chat([{ role: 'assistant', content: 'Hi' }])).rejects.toBeInstanceOf(GenerationError);
  });

  test('countTokens uses the session\'s own measure', async () => {
    const { backend } = await loaded();
    expect(await backend.countTokens('one two three')).toBe(3);
  });
});
