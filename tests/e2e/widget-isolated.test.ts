// The widget's isolated mode across real sites (issue 8): a host page at http://localhost:PORT1 (on the build's
// PERSONA_WIDGET_HOSTS) embeds Persona's frame from the preview server at http://127.0.0.1:PORT2 with
// connectIsolated(). Tracking then ranking reorders the host's items through the frame; the host cannot read the
// frame's storage; a third site (http://[::1]:PORT3) inside the host page is ignored and logged by the frame; a site
// off the list cannot even embed it; and every request goes to those origins only. Where the browser blocks
// third-party storage (this Chromium's default, as with blocked third-party cookies), connecting fails by name.
import type { Server } from 'node:http';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { test } from './browser-session';
import { bundleConnectIsolated, hostPage, serveSite, strangerPage } from './widget-host-site';
import { allowingThirdPartyStorage, elementPage, frameOrigin, frameUrl, hostOrigin, openHost, personaFrame } from './widget-isolated-session';

const servers: Server[] = [];
let strangerOrigin: string;

beforeAll(async () => {
  const bundle = await bundleConnectIsolated();
  // The third site: an ad inside the host page, and a would-be host of its own, off the allow-list.
  const third = await serveSite('::1', 0, { '/ad.html': strangerPage(frameOrigin), '/host.html': hostPage(frameUrl, { readyTimeoutMs: 5_000 }) }, bundle);
  strangerOrigin = `http://[::1]:${third.port}`;
  const pages = {
    '/host.html': hostPage(frameUrl),
    '/with-ad.html': hostPage(frameUrl, { strangerUrl: `${strangerOrigin}/ad.html` }),
    '/element.html': elementPage(),
  };
  const host = await serveSite('127.0.0.1', Number(new URL(hostOrigin).port), pages, bundle);
  servers.push(third.server, host.server);
}, 120_000);

afterAll(async () => {
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
});




/** Events in the frame's own database, read with the test's privilege over the frame (no host page can). */
function storedEvents(frame: Frame): Promise<{ text: string; source: string }[]> {
  return frame.evaluate(async () => {
    const done = <T>(request: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        request.onsuccess = () => {
          resolve(request.result);
        };
        request.onerror = () => {
          reject(new Error(String(request.error)));
        };
      });
    const db = await done(indexedDB.open('persona'));
    const events = (await done(db.transaction('events').objectStore('events').getAll())) as { text: string; source: string }[];
    db.close();
    return events.map(({ text, source }) => ({ text, source }));
  });
}

const films = [
  { id: 'romance', text: 'Pride and Prejudice: a romantic love story of manners and marriage', popularity: 0.5 },
  { id: 'cooking', text: 'Julie and Julia: a cooking film about recipes and French food', popularity: 0.5 },
  { id: 'scifi', text: 'Blade Runner: science fiction about machines and a detective in a future city', popularity: 0.5 },
];

function rankIds(page: Page): Promise<string[]> {
  return page.evaluate(async (items) => {
    const { connection } = window as unknown as { connection: import('../../src/widget/widget-connection').WidgetConnection };
    return (await connection.rank(items)).map((item) => item.id);
  }, films);
}


test("the frame page may be embedded by the build's host sites; the app's pages by no one else", async () => {
  const frame = await fetch(frameUrl);
  const ancestors = /frame-ancestors ([^;]*)/.exec(frame.headers.get('content-security-policy') ?? '')?.[1]?.split(' ');
  expect(ancestors?.[0]).toBe("'self'");
  expect(ancestors).toContain(hostOrigin);
  expect(frame.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
  const app = await fetch(inject('baseURL'));
  expect(app.headers.get('content-security-policy')).toMatch(/frame-ancestors 'self'$/);
});

test('track then rank reorders the host page through the frame; the host cannot read the frame storage; only the two origins are reached', async () => {
  const session = await allowingThirdPartyStorage();
  const page = await openHost(session, '/host.html');
  expect(await page.evaluate(() => (window as { connected?: string }).connected)).toBe('yes');
  const iframe = page.locator('iframe[title="Persona"]');
  expect(await iframe.getAttribute('sandbox')).toBe('allow-scripts allow-same-origin');
  await expect.poll(() => personaFrame(page).locator('#status').getAttribute('data-state')).toBe('ready');

  const before = await rankIds(page);
  expect(before[0]).not.toBe('scifi');
  await page.evaluate(async () => {
    const { connection } = window as unknown as { connection: import('../../src/widget/widget-connection').WidgetConnection };
    await connection.track([
      { kind: 'rating', itemId: 'matrix', rating: 5, text: 'The Matrix: hackers fight machines in a simulated reality, science fiction action' },
      { kind: 'rating', itemId: 'alien', rating: 5, text: 'Alien: a crew in a spaceship hunted by a creature, science fiction horror', ts: new Date() },
      { kind: 'rating', itemId: 'notebook', rating: 1, text: 'The Notebook: a romantic love story and a summer romance' },
    ]);
  });
  const after = await rankIds(page);
  expect(after[0]).toBe('scifi');
  expect(after).not.toEqual(before);

  // The data lives in the frame's storage, at Persona's origin, and names the host site that sent it.
  const stored = await storedEvents(personaFrame(page));
  expect(stored).toHaveLength(3);
  expect(new Set(stored.map((event) => event.source))).toEqual(new Set([hostOrigin]));
  // The host page can reach none of it: not the frame's document or storage, and nothing at its own origin.
  const reach = await page.evaluate(async () => {
    const frame = document.querySelector('iframe');
    const attempt = (read: () => unknown) => {
      try {
        read();
        return 'read';
      } catch (error) {
        return (error as Error).name;
      }
    };
    return {
      document: frame?.contentDocument === null ? 'null' : 'readable',
      localStorage: attempt(() => frame?.contentWindow?.localStorage),
      indexedDB: attempt(() => (frame?.contentWindow as unknown as { indexedDB: IDBFactory }).indexedDB.databases()),
      ownDatabases: (await indexedDB.databases()).map((db) => db.name),
    };
  });
  expect(reach).toEqual({ document: 'null', localStorage: 'SecurityError', indexedDB: 'SecurityError', ownDatabases: [] });

  const elsewhere = session.requests.filter((request) => ![hostOrigin, frameOrigin].includes(new URL(request.url).origin) && !request.url.startsWith('data:'));
  expect(elsewhere).toEqual([]);
  expect(session.requests.some((request) => request.url.startsWith(frameOrigin))).toBe(true);
  expect(session.pageErrors).toEqual([]);
});

test('a third site inside the host page is ignored and logged by the frame; nothing it sent is stored', async () => {
  const session = await allowingThirdPartyStorage();
  const warnings: string[] = [];
  const page = await session.newPage();
  page.on('console', (message) => {
    if (message.type() === 'warning') warnings.push(message.text());
  });
  await page.goto(`${hostOrigin}/with-ad.html`);
  await expect.poll(() => page.evaluate(() => (window as { connected?: string }).connected), { timeout: 60_000 }).toBe('yes');
  // (The browser also warns about the ad's posts to frames of other origins, which it did not deliver.)
  await expect.poll(() => warnings.find((text) => text.includes(strangerOrigin) && text.includes('Persona widget frame')), { timeout: 30_000 }).toMatch(/not on this deployment's allow-list \(PERSONA_WIDGET_HOSTS\)/);
  // The ad really ran and sent its message.
  const ad = page.frames().find((frame) => frame.url().startsWith(strangerOrigin));
  expect(await ad?.evaluate(() => (window as { sent?: boolean }).sent)).toBe(true);
  // A script of the host's own origin that is not the embedding page (a same-origin sibling frame) is not heard either.
  await page.evaluate((origin) => {
    const request = { persona: 1, id: 'sibling', method: 'track', args: [{ kind: 'note', text: 'from a sibling' }] };
    const sibling = document.createElement('iframe');
    // Runs in the sibling's own window, so the frame sees it as the source.
    sibling.srcdoc = `<script>parent.frames[0].postMessage(${JSON.stringify(request)}, ${JSON.stringify(origin)})</script>`;
    document.body.append(sibling);
  }, frameOrigin);
  await expect.poll(() => warnings.find((text) => text.includes('did not come from the page embedding this frame')), { timeout: 30_000 }).toContain(hostOrigin);
  expect(await storedEvents(personaFrame(page))).toEqual([]);
});

test('a site off the allow-list cannot embed the frame: connecting ends with a named timeout', async () => {
  const session = await allowingThirdPartyStorage();
  const page = await openHost(session, '/host.html', strangerOrigin);
  const outcome = await page.evaluate(() => (window as { connected?: string }).connected);
  expect(outcome).toMatch(/^WidgetFrameTimeoutError: .*PERSONA_WIDGET_HOSTS/);
  // The browser refused to render the frame there (CSP frame-ancestors), so no Persona engine ever started for it.
  expect(session.consoleErrors.some((text) => /frame-ancestors/.test(text))).toBe(true);
});

test('where the browser blocks third-party storage, connecting fails at once with a named error saying why', async ({ session }) => {
  const page = await openHost(session, '/host.html');
  expect(await page.evaluate(() => (window as { connected?: string }).connected)).toMatch(/^StorageBlockedError: .*same-origin mode/);
  // The failed frame was taken out of the page.
  expect(await page.locator('iframe[title="Persona"]').count()).toBe(0);
});

test('<persona-widget mode="isolated"> puts the frame in its shadow root: track then rank through it, and the panel does not show the profile', async () => {
  const session = await allowingThirdPartyStorage();
  const page = await openHost(session, '/element.html');
  expect(await page.evaluate(() => (window as { connected?: string }).connected)).toBe('yes');
  const ranked = () =>
    page.evaluate(async (items) => {
      const widget = document.querySelector('persona-widget');
      if (!widget) throw new Error('no widget');
      return (await widget.rank(items)).map((item) => item.id);
    }, films);
  const before = await ranked();
  expect(before[0]).not.toBe('scifi');
  await page.evaluate(async () => {
    await document.querySelector('persona-widget')?.track([
      { kind: 'rating', itemId: 'matrix', rating: 5, text: 'The Matrix: hackers fight machines in a simulated reality, science fiction action' },
      { kind: 'rating', itemId: 'alien', rating: 5, text: 'Alien: a crew in a spaceship hunted by a creature, science fiction horror' },
    ]);
  });
  expect((await ranked())[0]).toBe('scifi');
  // The events are in the frame's storage at Persona's origin, sent by the host site.
  expect((await storedEvents(personaFrame(page))).map((event) => event.source)).toEqual([hostOrigin, hostOrigin]);
  // The frame sits in the element's shadow root; the host's own document has no iframe of its own.
  expect(await page.evaluate(() => [document.querySelectorAll('iframe').length, document.querySelector('persona-widget')?.shadowRoot?.querySelectorAll('iframe').length])).toEqual([0, 1]);
  // "About you" points to Persona's site instead of listing the profile on the host's page.
  await page.getByRole('button', { name: 'Ask Persona' }).click();
  await page.getByRole('button', { name: 'About you' }).click();
  await expect.poll(() => page.locator('persona-widget').getByText('kept on its own site').count()).toBe(1);
  expect(await page.locator('persona-widget').getByText('The Matrix').count()).toBe(0);

  const elsewhere = session.requests.filter((request) => ![hostOrigin, frameOrigin].includes(new URL(request.url).origin) && !request.url.startsWith('data:'));
  expect(elsewhere).toEqual([]);
  expect(session.pageErrors).toEqual([]);
});
