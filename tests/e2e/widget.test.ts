// The embeddable widget on a host site of another site (issue 8): the example recipe site served from
// http://localhost:<port> by a tiny server of the test's own, the widget from the built app's preview at
// http://127.0.0.1:<port>. Real Chromium, the real engine in workers started from blob: bootstraps, the bundled
// embedder, and wllama with the real stories260K model (it writes nonsense stories: the tests check structure).
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { WIDGET_ASSET_HEADERS } from '../../scripts/security-headers';
import type { BrowserSession } from './browser-session';
import { test } from './browser-session';
import { serveHostSite, type HostSite } from './host-site';

const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 90_000, interval: 200 });
const TIMEOUT = 240_000;

/** Host CSS that would wreck a widget without its own shadow root: everything and every button restyled. */
const HOSTILE_CSS = `
  * { font-family: "Comic Sans MS", cursive !important; color: rgb(255, 0, 255) !important; letter-spacing: 4px;
      text-transform: uppercase; box-sizing: content-box; line-height: 3; font-size: 22px; margin: 7px; }
  button { background: rgb(255, 105, 180) !important; padding: 30px !important; border: 6px dashed lime !important;
           border-radius: 0 !important; font-size: 30px !important; width: 300px; min-height: 90px; }
  textarea, section, h2, p, li { background: yellow; padding: 20px; border: 3px solid red; }
`;

/** What the test compares, in the widget: its launcher, its panel and what is in it. */
const STYLE_PROPERTIES = [
  'color', 'background-color', 'font-family', 'font-size', 'letter-spacing', 'text-transform', 'line-height', 'box-sizing',
  'margin-top', 'padding-top', 'padding-left', 'border-top-width', 'border-top-style', 'border-top-color', 'border-radius',
  'width', 'height', 'min-height',
];

let host: HostSite;

beforeAll(async () => {
  host = await serveHostSite(fileURLToPath(new URL('../../examples/recipes/', import.meta.url)));
});

afterAll(async () => {
  await host.close();
});

/** The example recipe site with the widget from the preview server, and (with `model`) the test model for its chat. */
function hostPageUrl(baseURL: string, options: { model?: boolean } = {}): string {
  const url = new URL('/index.html', host.origin);
  url.searchParams.set('widget', new URL('persona-widget.js', baseURL).href);
  if (options.model) url.searchParams.set('model', new URL('test-models/stories260K.gguf', baseURL).href);
  return url.href;
}

/** Opens the host page; resolves once the widget said persona-ready and "For you" is filled. */
async function openHostPage(session: BrowserSession, options: { model?: boolean } = {}): Promise<Page> {
  const page = await session.newPage();
  await page.addInitScript(() => {
    const seen = { ready: [] as unknown[], errors: [] as string[], answers: [] as unknown[], xss: [] as string[] };
    Object.assign(window, { __widget: seen, __xss: (what: string) => seen.xss.push(what) });
    document.addEventListener('persona-ready', (event) => seen.ready.push((event as CustomEvent).detail));
    document.addEventListener('persona-error', (event) => seen.errors.push((event as CustomEvent<{ message: string }>).detail.message));
    document.addEventListener('persona-answer', (event) => seen.answers.push((event as CustomEvent).detail));
  });
  await page.goto(hostPageUrl(session.baseURL, options));
  await eventually(() => page.evaluate(() => (window as unknown as WidgetWatch).__widget.ready.length)).toBe(1);
  await eventually(() => page.locator('#for-you li').count()).toBeGreaterThan(0);
  return page;
}

interface WidgetWatch {
  __widget: { ready: unknown[]; errors: string[]; answers: { prompt: string; text: string; stopped: boolean }[]; xss: string[] };
}

/** Computed styles of the widget's launcher, panel and the elements inside it (open shadow root). */
function widgetStyles(page: Page): Promise<Record<string, Record<string, string>>> {
  return page.evaluate((properties) => {
    const root = document.querySelector('persona-widget')?.shadowRoot;
    if (!root) throw new Error('no widget shadow root');
    const out: Record<string, Record<string, string>> = {};
    for (const selector of ['.launcher', '.panel', 'header h2', '.tabs button', 'textarea', 'form button', '.panel p']) {
      const element = root.querySelector(selector);
      if (!element) throw new Error(`the widget has no ${selector}`);
      const style = getComputedStyle(element);
      out[selector] = Object.fromEntries(properties.map((name) => [name, style.getPropertyValue(name)]));
    }
    return out;
  }, STYLE_PROPERTIES);
}

/** Every request the test's pages and their workers made went to the host site or to Persona's origin, nowhere else. */
function expectOnlyTheTwoOrigins(session: BrowserSession): void {
  const allowed = new Set([host.origin, session.origin]);
  const elsewhere = session.requests.filter((request) => {
    const url = new URL(request.url);
    return url.protocol !== 'data:' && !allowed.has(url.origin);
  });
  expect(elsewhere, 'requests to a third origin').toEqual([]);
  expect(session.pageErrors, 'uncaught page errors').toEqual([]);
}

describe('the widget on a host page of another site', () => {
  test('serves its files cross-origin with CORS and CORP', async ({ baseURL }) => {
    for (const path of ['persona-widget.js', 'models/persona-glove-100d/config.json']) {
      const response = await fetch(new URL(path, baseURL), { headers: { Origin: 'http://localhost:1' } });
      expect(response.status, path).toBe(200);
      for (const [name, value] of Object.entries(WIDGET_ASSET_HEADERS)) expect(response.headers.get(name), `${path} ${name}`).toBe(value);
    }
  });

  test(
    'loads, fires persona-ready, and host CSS on button and * changes nothing inside it',
    async ({ session }) => {
      const page = await openHostPage(session);
      expect(await page.evaluate(() => (window as unknown as WidgetWatch).__widget.ready)).toEqual([{ mode: 'same-origin' }]);
      // The widget's workers run at the host's origin (blob: bootstraps), its code comes from Persona's.
      const scripts = session.requests.filter((request) => request.url.includes('/assets/') && request.url.endsWith('.js'));
      expect(scripts.some((request) => request.url.includes('engine.worker'))).toBe(true);
      expect(scripts.every((request) => request.url.startsWith(session.origin))).toBe(true);

      await page.evaluate(() => {
        document.querySelector('persona-widget')?.open();
      });
      await expect.poll(() => page.locator('persona-widget .panel').isVisible()).toBe(true);
      const before = await widgetStyles(page);
      const hostButtonBefore = await page.locator('#recipes button').first().evaluate((button) => getComputedStyle(button).backgroundColor);

      await page.addStyleTag({ content: HOSTILE_CSS });
      // The hostile CSS is live on the host page's own buttons…
      const hostButtonAfter = await page.locator('#recipes button').first().evaluate((button) => getComputedStyle(button).backgroundColor);
      expect(hostButtonAfter).not.toBe(hostButtonBefore);
      expect(hostButtonAfter).toBe('rgb(255, 105, 180)');
      // …and changes nothing in the widget.
      expect(await widgetStyles(page)).toEqual(before);

      // The widget adds no style sheet to the host's document: its CSS lives in its shadow root only.
      expect(await page.evaluate(() => ({ sheets: document.styleSheets.length, adopted: document.adoptedStyleSheets.length }))).toEqual({ sheets: 2, adopted: 0 });

      // Theming is the host's by design: the --persona-* tokens on the element, and ::part().
      await page.addStyleTag({ content: 'persona-widget { --persona-accent: rgb(1, 2, 3); } persona-widget::part(panel) { border-top-width: 9px; }' });
      const themed = await page.evaluate(() => {
        const root = document.querySelector('persona-widget')?.shadowRoot;
        return { launcher: getComputedStyle(root?.querySelector('.launcher') as Element).backgroundColor, panel: getComputedStyle(root?.querySelector('.panel') as Element).borderTopWidth };
      });
      expect(themed).toEqual({ launcher: 'rgb(1, 2, 3)', panel: '9px' });

      // Escape closes the panel and gives focus back to the launcher.
      await page.getByLabel('Your question').focus();
      await page.keyboard.press('Escape');
      await expect.poll(() => page.locator('persona-widget .panel').isVisible()).toBe(false);
      expect(await page.evaluate(() => document.querySelector('persona-widget')?.shadowRoot?.activeElement?.className)).toContain('launcher');
      expectOnlyTheTwoOrigins(session);
    },
    TIMEOUT,
  );

  test(
    'track then rank reorders the host\u2019s items',
    async ({ session }) => {
      const page = await openHostPage(session);
      const order = () => page.locator('#for-you li').evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.id ?? ''));
      const chocolate = new Set(['chocolate-cake', 'brownies', 'chocolate-mousse']);
      const before = await order();
      expect(before).toHaveLength(8);
      // A visitor with no history: the mousse is not ahead of every savoury recipe.
      expect(before.indexOf('chocolate-mousse')).toBeGreaterThan(before.findIndex((id) => !chocolate.has(id)));

      await page.getByRole('button', { name: 'Read: Chocolate fudge cake' }).click();
      await page.getByRole('button', { name: 'Read: Chocolate brownies' }).click();
      // After reading two chocolate desserts, the third (never read) comes before every recipe that is not one.
      await eventually(async () => {
        const after = await order();
        const mousse = after.indexOf('chocolate-mousse');
        return after.every((id, i) => chocolate.has(id) || i > mousse);
      }).toBe(true);
      expect(await page.locator('#for-you li[data-id="chocolate-mousse"] .reason').innerText()).not.toBe('');
      expectOnlyTheTwoOrigins(session);
    },
    TIMEOUT,
  );
});
