// The isolated widget frame's bridge in Chromium with a real engine (its worker, IndexedDB, the bundled embedder):
// who is heard (an allowed origin AND the embedding page), what a host can do through it (track, then rank
// reorders), and what it refuses by name. Replies carry only what was asked.
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { StoreClosedError } from '../../../src/core/errors';
import { createPersona, type Persona } from '../../../src/persona';
import { FrameBridge } from '../../../src/widget/isolated/frame-bridge';
import { MAX_IN_FLIGHT, type FrameMessage } from '../../../src/widget/isolated/protocol';
import { BridgeHarness, HOST } from './bridge-harness';

let persona: Persona;
let harness: BridgeHarness;

beforeAll(async () => {
  persona = await createPersona({ name: `widget-bridge-${crypto.randomUUID()}`, modelChannel: `llm-${crypto.randomUUID()}` });
  harness = new BridgeHarness(Promise.resolve(persona));
});

afterAll(async () => {
  await persona.close();
});

const request = (id: string, method: string, args: unknown[]) => ({ persona: 1, id, method, args });

async function eventCount(): Promise<number> {
  return (await persona.events.list({ limit: 1_000 })).events.length;
}

test('the handshake answers with the protocol version', async () => {
  expect(await harness.send(request('h1', 'hello', []))).toEqual({ persona: 1, id: 'h1', type: 'result', value: { version: 1 } });
});

test('track then rank through the frame: the items like what the visitor rated come first, and only the ranking comes back', async () => {
  const tracked = await harness.send(
    request('t1', 'track', [
      [
        { kind: 'rating', itemId: 'matrix', rating: 5, text: 'The Matrix: hackers fight machines in a simulated reality, science fiction action' },
        { kind: 'rating', itemId: 'alien', rating: 5, text: 'Alien: a crew in a spaceship hunted by a creature, science fiction horror' },
        { kind: 'rating', itemId: 'notebook', rating: 1, text: 'The Notebook: a romantic love story and a summer romance' },
      ],
    ]),
  );
  expect(tracked).toEqual({ persona: 1, id: 't1', type: 'result', value: null });
  // Stored events name the host that sent them, so the visitor can see and block it.
  const stored = await persona.events.list({ limit: 10 });
  expect(stored.events.map((event) => event.source)).toEqual([HOST, HOST, HOST]);

  const ranked = await harness.send(
    request('r1', 'rank', [
      [
        { id: 'romance', text: 'Pride and Prejudice: a romantic love story of manners and marriage', popularity: 0.5 },
        { id: 'scifi', text: 'Blade Runner: science fiction about machines and a detective in a future city', popularity: 0.5 },
        { id: 'cooking', text: 'Julie and Julia: a cooking film about recipes and French food', popularity: 0.5 },
      ],
      { limit: 2 },
    ]),
  );
  expect(ranked.type).toBe('result');
  const items = (ranked as Extract<FrameMessage, { type: 'result' }>).value as { id: string; reason: string }[];
  expect(items.map((item) => item.id)).toEqual(['scifi', 'cooking']);
  expect(items[0]?.reason).toMatch(/The Matrix|Alien/);
});

test("a ranking's reasons name only what this host recorded, never another site's history in the same storage", async () => {
  const shared = await createPersona({ name: `widget-reasons-${crypto.randomUUID()}`, modelChannel: `llm-${crypto.randomUUID()}` });
  try {
    const bridge = new BridgeHarness(Promise.resolve(shared));
    // Where the frame's storage is not partitioned by host site, another allowed site's events sit beside this one's.
    await shared.record({ kind: 'rating', itemId: 'matrix', rating: 5, text: 'The Matrix: hackers fight machines in a simulated reality, science fiction action', source: 'https://news.example' });
    // A host cannot pass its events off as another site's: the frame sets the source to the sender's origin.
    const tracked = await bridge.send(request('t2', 'track', [{ kind: 'rating', itemId: 'alien', rating: 5, text: 'Alien: a crew in a spaceship hunted by a creature, science fiction horror', source: 'https://news.example' }]));
    expect(tracked).toMatchObject({ type: 'result' });
    const sources = (await shared.events.list({ limit: 10 })).events.map((event) => `${event.itemId ?? ''}@${event.source}`).sort();
    expect(sources).toEqual(['alien@https://recipes.example', 'matrix@https://news.example']);

    const films = [
      { id: 'hackers', text: 'Hackers fight machines inside a simulated reality: science fiction action' },
      { id: 'aliens', text: 'Aliens: a spaceship crew hunted by a creature, science fiction horror' },
      { id: 'cooking', text: 'Julie and Julia: a cooking film about recipes and French food' },
      { id: 'romance', text: 'Pride and Prejudice: a romantic love story of manners and marriage' },
      { id: 'garden', text: 'A quiet documentary about gardening, flowers and vegetables' },
    ];
    const reply = await bridge.send(request('r2', 'rank', [films]));
    const items = (reply as Extract<FrameMessage, { type: 'result' }>).value as { id: string; reason: string; reasonKind: string; because?: { id: string } }[];
    const byId = new Map(items.map((item) => [item.id, item]));
    expect(byId.get('aliens')).toMatchObject({ reasonKind: 'liked-item', because: { id: 'alien' } });
    expect(byId.get('aliens')?.reason).toMatch(/Alien/);
    // The item nearest the other site's film keeps its place but not that film's name.
    expect(byId.get('hackers')?.because).toBeUndefined();
    for (const item of items) expect(item.reason).not.toMatch(/Matrix/);
    // The engine itself, asked directly, does name it: the filter is what keeps it from the host.
    const direct = await shared.rank(films);
    expect(direct.find((item) => item.id === 'hackers')?.reason).toMatch(/Matrix/);
  } finally {
    await shared.close();
  }
});

test('a message from an origin off the allow-list is ignored and logged by origin; nothing is recorded', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    const defaultLogging = new BridgeHarness(Promise.resolve(persona), { console: true });
    const before = await eventCount();
    await defaultLogging.deliver(request('x1', 'track', [{ kind: 'note', text: 'planted by another site' }]), 'https://evil.example');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('https://evil.example'));
    expect(warn.mock.calls[0]?.[0]).toMatch(/not on this deployment's allow-list \(PERSONA_WIDGET_HOSTS\)/);
    // No reply was posted for it: the next reply is the hello's.
    expect(await defaultLogging.send(request('h2', 'hello', []))).toMatchObject({ id: 'h2', type: 'result' });
    expect(await eventCount()).toBe(before);
  } finally {
    warn.mockRestore();
  }
});

test('a message from an allowed origin that is not the embedding page is ignored and logged', async () => {
  const before = await eventCount();
  const stranger = new MessageChannel().port1;
  await harness.deliver(request('x2', 'track', [{ kind: 'note', text: 'from a sibling frame' }]), HOST, stranger);
  expect(harness.warnings.at(-1)).toMatch(/ignored a message from https:\/\/recipes\.example that did not come from the page embedding this frame/);
  expect(await harness.send(request('h3', 'hello', []))).toMatchObject({ id: 'h3', type: 'result' });
  expect(await eventCount()).toBe(before);
});

test('a malformed request gets a named error with its id, and a bad event is refused by the engine whole', async () => {
  const before = await eventCount();
  expect(await harness.send(request('m1', 'export', []))).toMatchObject({ id: 'm1', type: 'error', error: { name: 'WidgetMessageError', field: 'message.method' } });
  expect(await harness.send({ id: 'not a readable id', method: 'hello' })).toMatchObject({ id: null, type: 'error', error: { name: 'WidgetMessageError' } });
  const refused = await harness.send(request('m2', 'track', [[{ kind: 'note', text: 'fine' }, { kind: 'note', text: 'bad', ts: -5 }]]));
  expect(refused).toMatchObject({ id: 'm2', type: 'error', error: { name: 'InvalidEventError', field: 'events[1].ts' } });
  // The frame's stack stays in the frame.
  expect((refused as Extract<FrameMessage, { type: 'error' }>).error.stack).toBeUndefined();
  expect(await eventCount()).toBe(before);
});

test('ask without a model answers with the named error; nothing of the prompt comes back', async () => {
  expect(await harness.send(request('a1', 'ask', ['What should I watch?']))).toMatchObject({ id: 'a1', type: 'error', error: { name: 'ModelNotLoadedError' } });
});

test(`while the engine is starting, requests wait; past ${MAX_IN_FLIGHT} in flight, or an id repeated, they are refused`, async () => {
  let start: (engine: Persona) => void = () => undefined;
  const starting = new BridgeHarness(new Promise<Persona>((resolve) => (start = resolve)));
  const waiting = Array.from({ length: MAX_IN_FLIGHT }, (_, i) => starting.deliver(request(`w${i}`, 'hello', [])));
  // Refused without an id: the first w0's answer is still to come under it.
  expect(await starting.send(request('w0', 'hello', []))).toMatchObject({ id: null, type: 'error', error: { name: 'WidgetMessageError', field: 'message.id' } });
  expect(await starting.send(request('one-too-many', 'hello', []))).toMatchObject({ type: 'error', error: { name: 'WidgetMessageError', reason: expect.stringMatching(/32 requests/) as unknown } });
  start(persona);
  await Promise.all(waiting);
  const answers = await Promise.all(waiting.map(() => starting.nextReply()));
  expect(answers.map((answer) => answer.type)).toEqual(new Array(MAX_IN_FLIGHT).fill('result'));
});

test('an engine that failed to start answers every request with its error', async () => {
  const failed = new BridgeHarness(Promise.reject(new StoreClosedError('a newer tab upgraded the store')));
  expect(await failed.send(request('f1', 'rank', [[{ id: 'a' }]]))).toMatchObject({ id: 'f1', type: 'error', error: { name: 'StoreClosedError' } });
});

test('replies go to the exact origin that asked, never to any origin', async () => {
  const posted: unknown[] = [];
  const parent = { postMessage: (message: unknown, options: unknown) => posted.push([message, options]) } as unknown as MessageEventSource;
  const bridge = new FrameBridge({ engine: Promise.resolve(persona), allowedOrigins: [HOST], parent, warn: () => undefined });
  await bridge.handle(new MessageEvent('message', { data: request('o1', 'hello', []), origin: HOST, source: null }));
  expect(posted).toEqual([]);
  // MessageEvent only takes a real source; the identity check is what matters, so hand it over directly.
  await bridge.handle({ data: request('o2', 'hello', []), origin: HOST, source: parent } as MessageEvent);
  expect(posted).toEqual([[{ persona: 1, id: 'o2', type: 'result', value: { version: 1 } }, { targetOrigin: HOST }]]);
});
