// What the widget's e2e tests share: the example recipe site served as a host of another site (host-site.ts), the
// page opened with the widget from the built app's preview, a watch on the widget's events, and the request audit.
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import type { BrowserSession } from './browser-session';
import { serveHostSite, type HostSite } from './host-site';

export const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 90_000, interval: 200 });

/** What the page noted of the widget's events, and the XSS tripwire's calls. */
export interface WidgetWatch {
  __widget: { ready: unknown[]; errors: string[]; answers: { prompt: string; text: string; stopped: boolean }[]; xss: string[] };
}

export function watched(page: Page): Promise<WidgetWatch['__widget']> {
  return page.evaluate(() => (window as unknown as WidgetWatch).__widget);
}

/** Serves the example host site for the test file's tests; the getter is valid inside tests. */
export function useHostSite(): () => HostSite {
  let host: HostSite | undefined;
  beforeAll(async () => {
    host = await serveHostSite(fileURLToPath(new URL('../../examples/recipes/', import.meta.url)));
  });
  afterAll(async () => {
    await host?.close();
  });
  return () => {
    if (!host) throw new Error('the host site is not running');
    return host;
  };
}

/** The example recipe site with the widget from the preview server, and (with `model`) the test model for its chat. */
export function hostPageUrl(host: HostSite, baseURL: string, options: { model?: boolean; mode?: string } = {}): string {
  const url = new URL('/index.html', host.origin);
  url.searchParams.set('widget', new URL('persona-widget.js', baseURL).href);
  if (options.model) url.searchParams.set('model', new URL('test-models/stories260K.gguf', baseURL).href);
  if (options.mode) url.searchParams.set('mode', options.mode);
  return url.href;
}

/** Opens the host page; resolves once the widget said persona-ready and "For you" is filled. */
export async function openHostPage(session: BrowserSession, host: HostSite, options: { model?: boolean } = {}): Promise<Page> {
  const page = await watchedPage(session);
  await page.goto(hostPageUrl(host, session.baseURL, options));
  await eventually(async () => (await watched(page)).ready.length).toBe(1);
  await eventually(() => page.locator('#for-you li').count()).toBeGreaterThan(0);
  return page;
}

/** A new tab that notes the widget's events (see WidgetWatch) from the start of every document. */
export async function watchedPage(session: BrowserSession): Promise<Page> {
  const page = await session.newPage();
  await page.addInitScript(() => {
    const seen = { ready: [] as unknown[], errors: [] as string[], answers: [] as unknown[], xss: [] as string[] };
    Object.assign(window, { __widget: seen, __xss: (what: string) => seen.xss.push(what) });
    document.addEventListener('persona-ready', (event) => seen.ready.push((event as CustomEvent).detail));
    document.addEventListener('persona-error', (event) => seen.errors.push((event as CustomEvent<{ message: string }>).detail.message));
    document.addEventListener('persona-answer', (event) => seen.answers.push((event as CustomEvent).detail));
  });
  return page;
}

/** Every request the test's pages and their workers made went to the host site or to Persona's origin, nowhere else. */
export function expectOnlyTheTwoOrigins(session: BrowserSession, host: HostSite): void {
  const allowed = new Set([host.origin, session.origin]);
  const elsewhere = session.requests.filter((request) => {
    const url = new URL(request.url);
    return url.protocol !== 'data:' && !allowed.has(url.origin);
  });
  expect(elsewhere, 'requests to a third origin').toEqual([]);
  expect(session.pageErrors, 'uncaught page errors').toEqual([]);
}
