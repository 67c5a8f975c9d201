// <persona-widget mode="isolated"> answering across two sites (issue 8): the host page at http://localhost:PORT1 names
// a model on Persona's origin (the real stories260K, served under /test-models/); the widget passes it to Persona's
// frame at http://127.0.0.1:PORT2, which loads it on the first question — in the frame, at Persona's origin — and
// streams the answer back over postMessage. The model writes children's stories: the test checks the stream, never
// the words.
import type { Server } from 'node:http';
import { afterAll, beforeAll, expect } from 'vitest';
import { test } from './browser-session';
import { serveSite } from './widget-host-site';
import { allowingThirdPartyStorage, elementPage, frameOrigin, hostOrigin, openHost, personaFrame } from './widget-isolated-session';

let server: Server | undefined;

beforeAll(async () => {
  const page = elementPage({ 'model-url': `${frameOrigin}/test-models/stories260K.gguf`, model: 'stories260K' });
  ({ server } = await serveSite('127.0.0.1', Number(new URL(hostOrigin).port), { '/ask.html': page }, ''));
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

test('ask streams an answer from the model the frame loads at Persona’s origin; the model file stays in the frame’s storage', async () => {
  const session = await allowingThirdPartyStorage();
  const page = await openHost(session, '/ask.html');
  expect(await page.evaluate(() => (window as { connected?: string }).connected)).toBe('yes');
  const { pieces, text, stopped } = await page.evaluate(async () => {
    const widget = document.querySelector('persona-widget');
    if (!widget) throw new Error('no widget');
    const seen: string[] = [];
    const answer = await widget.ask('Tell me a story', { onToken: (piece) => seen.push(piece) });
    return { pieces: seen, ...answer };
  });
  expect(pieces.length).toBeGreaterThan(1);
  expect(pieces.join('')).toBe(text);
  expect(stopped).toBe(false);
  // The model was downloaded by the frame into Persona's origin storage, never into the host's.
  const frameFiles = await personaFrame(page).evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const names: string[] = [];
    for await (const [name] of (root as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) names.push(name);
    return names;
  });
  expect(frameFiles).toContain('persona-models');
  expect(await page.evaluate(() => indexedDB.databases().then((dbs) => dbs.length))).toBe(0);
  const elsewhere = session.requests.filter((request) => ![hostOrigin, frameOrigin].includes(new URL(request.url).origin) && !request.url.startsWith('data:'));
  expect(elsewhere).toEqual([]);
  expect(session.pageErrors).toEqual([]);
});
