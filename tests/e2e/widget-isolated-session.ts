// What the isolated widget's e2e tests share: the host page that uses <persona-widget mode="isolated">, a browser
// profile whose frames may keep storage, opening a host page until it has connected, and finding Persona's frame.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { expect, inject, onTestFinished } from 'vitest';
import { BrowserSession } from './browser-session';

/** Persona's origin (the preview server) and its frame page. */
export const frameOrigin = new URL(inject('baseURL')).origin;
export const frameUrl = `${frameOrigin}/widget-frame.html`;
/** The host site on the build's PERSONA_WIDGET_HOSTS (serve-built-app.ts reserved its port). */
export const hostOrigin = inject('widgetHostOrigin');

/** A host page that uses the <persona-widget> element in isolated mode, its script from Persona's origin. */
export function elementPage(attributes: Readonly<Record<string, string>> = {}): string {
  const attrs = Object.entries(attributes)
    .map(([name, value]) => ` ${name}="${value}"`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Films</title>
<script type="module" src="${frameOrigin}/persona-widget.js"></script></head>
<body><persona-widget mode="isolated"${attrs}></persona-widget>
<script type="module">
  const widget = document.querySelector('persona-widget');
  widget.addEventListener('persona-ready', () => { window.connected = 'yes'; });
  widget.addEventListener('persona-error', (event) => { window.connected = 'error: ' + event.detail.message; });
</script></body></html>`;
}

/**
 * A browser profile that allows third-party cookies, and with them storage in frames from other sites, as a
 * person's browser commonly does. A fresh profile of this Chromium blocks them, and the frame could keep nothing.
 */
export async function allowingThirdPartyStorage(): Promise<BrowserSession> {
  const dir = mkdtempSync(join(tmpdir(), 'persona-widget-profile-'));
  mkdirSync(join(dir, 'Default'));
  writeFileSync(join(dir, 'Default', 'Preferences'), JSON.stringify({ profile: { cookie_controls_mode: 0, block_third_party_cookies: false } }));
  const session = await BrowserSession.persistent(dir, inject('baseURL'));
  onTestFinished(async () => {
    await session.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return session;
}

/** Opens a host page and waits until it says whether it connected (window.connected). */
export async function openHost(session: BrowserSession, path: string, origin = hostOrigin): Promise<Page> {
  const page = await session.newPage();
  await page.goto(`${origin}${path}`);
  await expect.poll(() => page.evaluate(() => (window as { connected?: string }).connected), { timeout: 60_000 }).toBeDefined();
  return page;
}

/** Persona's frame in the page (its URL may name a model in its query). */
export function personaFrame(page: Page): Frame {
  const frame = page.frames().find((f) => f.url().split('?')[0] === frameUrl);
  if (!frame) throw new Error(`no frame at ${frameUrl}`);
  return frame;
}
