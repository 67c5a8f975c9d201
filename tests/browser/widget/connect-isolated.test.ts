// connectIsolated(), the host page's side of isolated mode, in Chromium against a real frame: the real bridge and
// engine in an iframe (fixtures/bridge-frame.ts, with stories260K loaded). The handshake, track then rank, an ask
// streamed piece by piece and stopped by an AbortSignal, and the named errors when the frame never answers, goes
// away, or the connection is closed. (Across real sites, with the built frame: tests/e2e/widget-isolated.test.ts.)
import { afterEach, expect, test } from 'vitest';
import { WidgetFrameGoneError, WidgetFrameTimeoutError } from '../../../src/core/errors';
import { connectIsolated, FRAME_ALLOW, FRAME_SANDBOX } from '../../../src/widget/isolated/connect-isolated';
import type { WidgetConnection } from '../../../src/widget/widget-connection';

const connections: WidgetConnection[] = [];

afterEach(async () => {
  for (const connection of connections.splice(0)) await connection.close();
});

function frameUrl(): string {
  const url = new URL('/tests/browser/widget/fixtures/bridge-frame.html', location.href);
  url.searchParams.set('name', `widget-connect-${crypto.randomUUID()}`);
  url.searchParams.set('channel', `llm-${crypto.randomUUID()}`);
  return url.href;
}

async function connect(): Promise<{ connection: WidgetConnection; container: HTMLElement }> {
  const container = document.createElement('div');
  document.body.append(container);
  const connection = await connectIsolated({ frameUrl: frameUrl(), container, readyTimeoutMs: 90_000 });
  connections.push(connection);
  return { connection, container };
}

test('connects through a sandboxed frame; track then rank orders the items by what the visitor rated', async () => {
  const { connection, container } = await connect();
  expect(connection.mode).toBe('isolated');
  const iframe = container.querySelector('iframe');
  expect(iframe?.title).toBe('Persona');
  expect(iframe?.getAttribute('sandbox')).toBe(FRAME_SANDBOX);
  expect(iframe?.allow).toBe(FRAME_ALLOW);
  expect(iframe?.referrerPolicy).toBe('no-referrer');

  await connection.track([
    { kind: 'rating', itemId: 'matrix', rating: 5, text: 'The Matrix: hackers fight machines in a simulated reality, science fiction action', ts: new Date() },
    { kind: 'rating', itemId: 'notebook', rating: 1, text: 'The Notebook: a romantic love story and a summer romance' },
  ]);
  const ranked = await connection.rank(
    [
      { id: 'romance', text: 'Pride and Prejudice: a romantic love story of manners and marriage', factor: new Float32Array([0.1, 0.2]) },
      { id: 'scifi', text: 'Blade Runner: science fiction about machines and a detective in a future city', factor: new Float32Array([0.3, 0.1]) },
    ],
    { limit: 2 },
  );
  expect(ranked.map((item) => item.id)).toEqual(['scifi', 'romance']);
  // A bad event comes back as the engine's named error, as its own class.
  await expect(connection.track({ kind: 'bogus' as 'note', text: 'x' })).rejects.toMatchObject({ name: 'InvalidEventError', field: 'events[0].kind' });
});

test('ask streams the answer piece by piece; an AbortSignal stops it and keeps what came', async () => {
  const { connection } = await connect();
  const pieces: string[] = [];
  const answer = await connection.ask('Once upon a time', { onToken: (piece) => pieces.push(piece) });
  expect(answer.stopped).toBe(false);
  expect(answer.text.length).toBeGreaterThan(0);
  expect(pieces.join('')).toBe(answer.text);
  expect(Object.keys(answer).sort()).toEqual(['stopped', 'text']);

  const controller = new AbortController();
  const streamed: string[] = [];
  const stopped = await connection.ask('Tell me a long story about a little girl named Lily', {
    signal: controller.signal,
    onToken: (piece) => {
      streamed.push(piece);
      if (streamed.length === 3) controller.abort();
    },
  });
  expect(stopped.stopped).toBe(true);
  expect(streamed.length).toBeGreaterThanOrEqual(3);
  expect(stopped.text.startsWith(streamed.slice(0, 3).join(''))).toBe(true);
});

test('a frame removed from the page rejects what was pending, and everything after, with WidgetFrameGoneError', async () => {
  const { connection, container } = await connect();
  const pending = connection.ask('Once upon a time there was a long story', {
    onToken: () => {
      container.remove();
    },
  });
  await expect(pending).rejects.toBeInstanceOf(WidgetFrameGoneError);
  await expect(connection.rank([{ id: 'a' }])).rejects.toBeInstanceOf(WidgetFrameGoneError);
});

test('close() removes the frame; later calls are refused by name', async () => {
  const { connection, container } = await connect();
  await connection.close();
  expect(container.querySelector('iframe')).toBeNull();
  await expect(connection.track({ kind: 'note', text: 'late' })).rejects.toBeInstanceOf(WidgetFrameGoneError);
});

test('a frame that never answers ends in WidgetFrameTimeoutError naming the setting; an aborted connect stops at once', async () => {
  const container = document.createElement('div');
  document.body.append(container);
  // A page of the right origin with no Persona in it: the handshake goes unanswered.
  const silent = new URL('/favicon.svg', location.href).href;
  const timedOut = connectIsolated({ frameUrl: silent, container, readyTimeoutMs: 1_000 });
  await expect(timedOut).rejects.toBeInstanceOf(WidgetFrameTimeoutError);
  await expect(timedOut).rejects.toThrow(/PERSONA_WIDGET_HOSTS/);
  expect(container.querySelector('iframe')).toBeNull();

  const controller = new AbortController();
  const aborted = connectIsolated({ frameUrl: frameUrl(), container, signal: controller.signal });
  controller.abort(new DOMException('the host changed its mind', 'AbortError'));
  await expect(aborted).rejects.toThrow('the host changed its mind');
  expect(container.querySelector('iframe')).toBeNull();
});
