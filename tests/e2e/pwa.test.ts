// The installable app (issue 8, PWA): Chromium reports no installability errors for the manifest, the service
// worker controls the page after a reload, and with the network gone a reload still opens a working app that shows
// the person's data. A new version waiting shows the "reload to update" prompt, and reloading keeps the data.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import { BrowserSession, test } from './browser-session';

async function openApp(page: Page): Promise<void> {
  await page.goto('/');
  await expect.poll(() => page.evaluate(() => document.querySelector('persona-app')?.persona !== undefined), { timeout: 60_000 }).toBe(true);
}

const controlled = (page: Page) => page.evaluate(() => navigator.serviceWorker.controller !== null);
const noteTexts = (page: Page) =>
  page.evaluate(async () => (await document.querySelector('persona-app')?.persona?.events.list({ kind: 'note' }))?.events.map((event) => event.text) ?? []);

test('installable, controlled by its service worker after a reload, and working offline with the data', { timeout: 300_000 }, async ({ baseURL }) => {
  // A real profile: Chromium does not offer to install an app from an incognito-like context.
  const profile = mkdtempSync(join(tmpdir(), 'persona-pwa-'));
  const session = await BrowserSession.persistent(profile, baseURL);
  try {
    const page = await session.newPage();
    await openApp(page);
    const cdp = await session.context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
    const manifest = await page.evaluate(async () => (await fetch('/manifest.webmanifest')).json() as Promise<{ display: string; icons: { sizes: string; purpose: string }[] }>);
    expect(manifest.display).toBe('standalone');
    expect(manifest.icons.map((icon) => `${icon.sizes} ${icon.purpose}`)).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);

    // The first visit installs the worker and precaches the app; it says so once everything is cached.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await page.getByRole('status').filter({ hasText: 'Persona is ready to work offline.' }).waitFor({ timeout: 120_000 });
    await page.evaluate(() => document.querySelector('persona-app')?.persona?.record({ kind: 'note', text: 'Written before going offline' }));

    await page.reload();
    await openApp(page);
    expect(await controlled(page)).toBe(true);

    // No network at all: the reload is answered by the service worker, the engine opens, the note is there, and
    // search (the bundled model and onnxruntime's WASM, both precached) still works.
    await session.context.setOffline(true);
    await page.reload();
    await openApp(page);
    expect(await controlled(page)).toBe(true);
    expect(await noteTexts(page)).toEqual(['Written before going offline']);
    await expect
      .poll(() => page.evaluate(async () => (await document.querySelector('persona-app')?.persona?.status())?.intelligence.phase), { timeout: 60_000 })
      .toBe('ready');
    const hits = await page.evaluate(async () => (await document.querySelector('persona-app')?.persona?.retrieve('offline'))?.hits.map((hit) => hit.event.text));
    expect(hits).toEqual(['Written before going offline']);
    await page.getByRole('navigation', { name: 'Persona' }).getByRole('link', { name: 'History' }).click();
    await page.locator('persona-history-view').locator('h2').first().waitFor();
    await session.context.setOffline(false);

    // A new version is published (its service worker changed): the app says so and waits for the person; reloading
    // switches to it, and the data is all there.
    const swPath = join(inject('distDir'), 'sw.js');
    const current = readFileSync(swPath, 'utf8');
    try {
      writeFileSync(swPath, `${current}\n// the next version\n`);
      await page.evaluate(async () => { await (await navigator.serviceWorker.getRegistration())?.update(); });
      const prompt = page.getByRole('status').filter({ hasText: 'A new version of Persona is ready' });
      await prompt.waitFor({ timeout: 120_000 });
      await Promise.all([page.waitForEvent('load'), prompt.getByRole('button', { name: 'Reload to update' }).click()]);
      await openApp(page);
      expect(await controlled(page)).toBe(true);
      expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null)).toBeNull();
      expect(await noteTexts(page)).toEqual(['Written before going offline']);
    } finally {
      writeFileSync(swPath, current);
    }

    session.expectNothingLeftOrigin();
    expect(session.pageErrors).toEqual([]);
  } finally {
    await session.close();
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
});
