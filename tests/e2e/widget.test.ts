// The embeddable widget on a host site of another site (issue 8): the example recipe site served from
// http://localhost:<port> by a tiny server of the test's own, the widget from the built app's preview at
// http://127.0.0.1:<port>. Real Chromium, the real engine in workers started from blob: bootstraps, the bundled
// embedder, and wllama with the real stories260K model (it writes nonsense stories: the tests check structure).
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { WIDGET_ASSET_HEADERS } from '../../scripts/security-headers';
import { test } from './browser-session';
import { eventually, expectOnlyTheTwoOrigins, openHostPage, useHostSite, watched } from './widget-host-page';

const TIMEOUT = 240_000;
const host = useHostSite();

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
      const page = await openHostPage(session, host());
      expect((await watched(page)).ready).toEqual([{ mode: 'same-origin' }]);
      // The widget's workers run at the host's origin (blob: bootstraps), its code comes from Persona's.
      const scripts = session.requests.filter((request) => request.url.includes('/assets/') && request.url.endsWith('.js'));
      expect(scripts.some((request) => request.url.includes('engine.worker'))).toBe(true);
      expect(scripts.every((request) => request.url.startsWith(session.origin))).toBe(true);
      // The bundled embedder loads from Persona's origin, all of it: the tokenizer is its last file.
      await eventually(() =>
        Promise.resolve(session.requests.some((request) => request.url === `${session.origin}/models/persona-glove-100d/tokenizer.json` && request.outcome !== undefined && 'status' in request.outcome && request.outcome.status === 200)),
      ).toBe(true);

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

      // The widget adds no style sheet to the host's document (its CSS lives in its shadow root only), nor preload
      // links: the host's head holds what the host put there.
      expect(
        await page.evaluate(() => ({ sheets: document.styleSheets.length, adopted: document.adoptedStyleSheets.length, links: [...document.head.querySelectorAll('link')].map((link) => link.rel) })),
      ).toEqual({ sheets: 2, adopted: 0, links: ['icon', 'stylesheet'] });

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
      expectOnlyTheTwoOrigins(session, host());
    },
    TIMEOUT,
  );

  test(
    'track then rank reorders the host\u2019s items',
    async ({ session }) => {
      const page = await openHostPage(session, host());
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

      // A bad event is refused by name, through the promise and persona-error, and changes nothing: the order rank
      // gives is the same after it.
      const items = [
        { id: 'chocolate-mousse', text: 'Chocolate mousse. A light, airy chocolate mousse with cream.', features: ['dessert', 'chocolate'] },
        { id: 'lentil-soup', text: 'Red lentil soup. A warming soup of red lentils, cumin and lemon.', features: ['soup', 'vegetarian', 'quick'] },
        { id: 'salmon-rice', text: 'Miso salmon with rice. Salmon glazed with miso and honey.', features: ['fish', 'japanese'] },
      ];
      const rankedIds = () => page.evaluate(async (candidates) => (await document.querySelector('persona-widget')?.rank(candidates))?.map((item) => item.id), items);
      const rankedBefore = await rankedIds();
      const refused = await page.evaluate(async () => {
        const widget = document.querySelector('persona-widget');
        if (!widget) throw new Error('no widget');
        try {
          await widget.track({ kind: 'telepathy' as 'view', text: 'read my mind' });
          return 'recorded';
        } catch (error) {
          return (error as Error).name;
        }
      });
      expect(refused).toBe('InvalidEventError');
      expect((await watched(page)).errors).toEqual([expect.stringMatching(/^InvalidEventError: Invalid event: .*kind/)]);
      expect(await rankedIds()).toEqual(rankedBefore);

      // A host may call the element as soon as it is on the page, before persona-ready: the call waits for it.
      const early = await page.evaluate(async (candidates) => {
        const second = document.createElement('persona-widget');
        document.body.append(second);
        const ranked = await second.rank(candidates);
        second.remove();
        return ranked.map((item) => item.id).sort();
      }, items);
      expect(early).toEqual(items.map((item) => item.id).sort());
      expectOnlyTheTwoOrigins(session, host());
    },
    TIMEOUT,
  );

  test(
    'tracked XSS payloads shown in the panel stay text, and Forget removes one',
    async ({ session }) => {
      const page = await openHostPage(session, host());
      await page.evaluate(async (payloads) => {
        const widget = document.querySelector('persona-widget');
        if (!widget) throw new Error('no widget');
        await widget.track(payloads.map((text) => ({ kind: 'view' as const, text })));
      }, XSS_PAYLOADS);
      await page.evaluate(() => {
        document.querySelector('persona-widget')?.open();
      });
      await page.getByRole('button', { name: 'About you' }).click();
      const recent = page.locator('persona-widget .recent li span');
      // The panel lists the newest few (one batch: one time, so any five of them), each exactly as it was tracked.
      await eventually(async () => {
        const shown = await recent.allInnerTexts();
        return shown.length === 5 && shown.every((text) => XSS_PAYLOADS.includes(text));
      }).toBe(true);
      expect((await watched(page)).xss).toEqual([]);
      expect(await injectedElements(page)).toEqual([]);

      const first = await recent.first().innerText();
      // Each Forget button is named after what it forgets.
      const forget = page.locator('persona-widget .recent li').first().getByRole('button');
      expect(await forget.getAttribute('aria-label')).toBe(`Forget “${first.length > 40 ? `${first.slice(0, 40)}…` : first}”`);
      await forget.click();
      await eventually(async () => (await recent.allInnerTexts()).includes(first)).toBe(false);

      // Accessibility of the open panel, in both themes: no serious or critical axe finding.
      for (const theme of ['light', 'dark']) {
        await page.evaluate((choice) => {
          document.querySelector('persona-widget')?.setAttribute('theme', choice);
        }, theme);
        const axe = await new AxeBuilder({ page }).include('persona-widget').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
        const serious = axe.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
        expect(serious.map((violation) => `${theme} ${violation.id}: ${violation.nodes.map((node) => JSON.stringify(node.target)).join(', ')}`)).toEqual([]);
      }
      expect((await watched(page)).xss).toEqual([]);
      expectOnlyTheTwoOrigins(session, host());
    },
    TIMEOUT,
  );
});

/** Script-injection payloads, each calling the page's tripwire if it ever ran. */
const XSS_PAYLOADS = [
  '<script>window.__xss("script")</script>',
  '<img src=x onerror="window.__xss(\'img\')">',
  '<svg onload="window.__xss(\'svg\')"></svg>',
  '"><iframe srcdoc="<script>parent.__xss(\'iframe\')</script>"></iframe>',
  '<a href="javascript:window.__xss(\'href\')">click me</a>',
  '<!--?lit$123$--><img src=x onerror="window.__xss(\'lit-marker\')">',
  '<details open ontoggle="window.__xss(\'details\')">',
];

/** Elements or attributes in the widget's shadow root that a payload parsed as HTML would have created. */
function injectedElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const root = document.querySelector('persona-widget')?.shadowRoot;
    if (!root) throw new Error('no widget shadow root');
    const found: string[] = [];
    for (const element of root.querySelectorAll('*')) {
      const tag = element.tagName.toLowerCase();
      if (['script', 'iframe', 'img', 'svg', 'a', 'details', 'object'].includes(tag)) found.push(tag);
      for (const attribute of element.attributes) if (attribute.name.startsWith('on')) found.push(`${tag}[${attribute.name}]`);
    }
    return found;
  });
}
