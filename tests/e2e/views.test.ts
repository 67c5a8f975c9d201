// Every view of the app, in light and dark, narrow (360 px) and wide: axe-core finds no serious or critical
// accessibility violation, the view is reachable by keyboard from the navigation, and a screenshot of each lands in
// test-results/screenshots/ (the README shows a few). The views show the demo profile, so nothing is empty.
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, onTestFinished } from 'vitest';
import { ROUTES } from '../../src/app/routes';
import { seriousAxeFindings } from './axe-audit';
import { BrowserSession, test } from './browser-session';

const SCREENSHOTS = 'test-results/screenshots';
const SIZES = [
  { name: 'narrow', width: 360, height: 780 },
  { name: 'wide', width: 1280, height: 900 },
] as const;
const SCHEMES = ['light', 'dark'] as const;

/** Opens the app with the demo profile loaded from the first-run screen. */
async function openWithDemo(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Load the demo profile' }).click();
  await expect
    .poll(() => page.evaluate(async () => (await document.querySelector('persona-app')?.persona?.storage.usage())?.events ?? 0), { timeout: 60_000 })
    .toBeGreaterThan(0);
}

/** The open view's element, once its module has loaded and it has rendered. */
async function showView(page: Page, tag: string): Promise<void> {
  await page.locator(tag).locator('h2').first().waitFor();
}

describe('every view', () => {
  for (const scheme of SCHEMES) {
    test(`is accessible and screenshotted in ${scheme} mode`, { timeout: 300_000 }, async ({ browser, baseURL }) => {
      mkdirSync(SCREENSHOTS, { recursive: true });
      // As a new visitor: the first-run screen offers the demo profile.
      const session = await BrowserSession.open(browser, baseURL, { firstRun: true });
      onTestFinished(() => session.close());
      const page = await session.newPage();
      // The OS preference too, so the page around the app matches the theme in the screenshots.
      await page.emulateMedia({ colorScheme: scheme });
      await openWithDemo(page);
      for (const route of ROUTES) {
        // Reach each view the way a keyboard user does: focus its link in the navigation and press Enter.
        await page.getByRole('navigation', { name: 'Persona' }).getByRole('link', { name: route.label, exact: true }).press('Enter');
        await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#${route.id}`);
        await showView(page, route.tag);
        for (const size of SIZES) {
          await page.setViewportSize({ width: size.width, height: size.height });
          expect(await seriousAxeFindings(page, scheme), `${route.id}, ${scheme}, ${size.name}`).toEqual([]);
          // Nothing may force a horizontal scrollbar at 360 px: the layout has to fit the narrowest phone.
          if (size.name === 'narrow') expect(await page.evaluate(() => document.documentElement.scrollWidth), `${route.id} fits 360 px`).toBeLessThanOrEqual(size.width);
          // The history's rows render where the window shows them (it is virtualized): scroll down first, so the
          // full-page picture has them.
          await page.evaluate(() => { window.scrollTo(0, document.documentElement.scrollHeight); });
          await page.waitForTimeout(300);
          await page.screenshot({ path: `${SCREENSHOTS}/${route.id}-${scheme}-${size.name}.png`, fullPage: true });
          await page.evaluate(() => { window.scrollTo(0, 0); });
        }
      }
      session.expectNothingLeftOrigin();
      expect(session.pageErrors).toEqual([]);
      expect(session.consoleErrors).toEqual([]);
    });
  }
});
