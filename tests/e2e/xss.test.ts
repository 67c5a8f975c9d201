// Stored XSS (issue 9, item 6): a corpus of script-injection payloads stored as history text and sources, memory
// text and categories, preference values, the summary, and as an answer's text, rendered in every view. The page
// runs with its Content-Security-Policy bypassed, so the policy cannot hide a rendering hole: only the views' own
// rendering (text bindings, the Markdown subset) stands between the payloads and the page. A tripwire function
// every payload calls proves no script ran, and a sweep through every shadow root finds no element the payloads
// would have created.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { ROUTES } from '../../src/app/routes';
import { BrowserSession, test } from './browser-session';

const PAYLOADS = [
  '<script>window.__xss("script")</script>',
  '<img src=x onerror="window.__xss(\'img\')">',
  '<svg onload="window.__xss(\'svg\')"></svg>',
  '"><iframe srcdoc="<script>parent.__xss(\'iframe\')</script>"></iframe>',
  '<a href="javascript:window.__xss(\'href\')">click me</a>',
  '[click me](javascript:window.__xss("markdown-link"))',
  '![x](x" onerror="window.__xss(\'markdown-image\'))',
  '<details open ontoggle="window.__xss(\'details\')">',
  '<input autofocus onfocus="window.__xss(\'focus\')">',
  '<math><mtext><table><mglyph><style><img src=x onerror="window.__xss(\'mxss\')">',
  '${window.__xss("template")}',
  '<!--?lit$123$--><img src=x onerror="window.__xss(\'lit-marker\')">',
  '<style>@import "javascript:window.__xss(\'style\')";</style>',
  '<object data="javascript:window.__xss(\'object\')"></object>',
  '<form action="javascript:window.__xss(\'form\')"><button>go</button></form>',
];

/** Elements and attributes the payloads would create if any were parsed as HTML, in the page and every shadow root. */
function injectedElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const visit = (root: Document | ShadowRoot) => {
      for (const element of root.querySelectorAll('*')) {
        const tag = element.tagName.toLowerCase();
        // None of the views renders these (the page's own module script sits in the document's head): one here came
        // from a payload.
        const ownScript = tag === 'script' && root === document && element.parentElement === document.head;
        if (['script', 'iframe', 'object', 'embed', 'math'].includes(tag) && !ownScript) found.push(tag);
        if (tag === 'img' && element.getAttribute('src') === 'x') found.push('img[src=x]');
        for (const attribute of element.attributes) {
          if (attribute.name.startsWith('on')) found.push(`${tag}[${attribute.name}]`);
          if (['href', 'src', 'action', 'data'].includes(attribute.name) && /^\s*javascript:/i.test(attribute.value)) found.push(`${tag}[${attribute.name}=javascript:]`);
        }
        if (element.shadowRoot) visit(element.shadowRoot);
      }
    };
    visit(document);
    return found;
  });
}

async function persona<T>(page: Page, run: string, arg?: unknown): Promise<T> {
  return page.evaluate(
    async ({ run, arg }) => {
      const engine = document.querySelector('persona-app')?.persona;
      if (!engine) throw new Error('the app has no engine');
      // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the test's own code, run in the page
      return (new Function('persona', 'arg', `return (async () => { ${run} })();`) as (p: unknown, a: unknown) => Promise<T>)(engine, arg);
    },
    { run, arg },
  );
}

test('script payloads in every stored field and in an answer stay text in every view, with the CSP bypassed', { timeout: 300_000 }, async ({ browser, baseURL }) => {
  const session = await BrowserSession.open(browser, baseURL, { bypassCSP: true });
  try {
    const page = await session.newPage();
    await page.addInitScript(() => {
      const hits: string[] = [];
      Object.assign(window, { __xss: (what: unknown) => hits.push(String(what)), __xssHits: hits });
    });
    await page.goto('/#history');
    await expect.poll(() => page.evaluate(() => document.querySelector('persona-app')?.persona !== undefined), { timeout: 60_000 }).toBe(true);
    await page.evaluate(() => { localStorage.setItem('persona.welcomed', '1'); });
    // The control: markup parsed as HTML on this page does run (the policy is bypassed) and trips the wire.
    await page.evaluate(() => {
      const probe = document.createElement('div');
      probe.id = 'xss-control';
      probe.innerHTML = '<img src=x onerror="window.__xss(\'control\')">';
      document.body.append(probe);
    });
    await expect.poll(() => page.evaluate(() => (window as unknown as { __xssHits: string[] }).__xssHits)).toEqual(['control']);
    await page.evaluate(() => { document.getElementById('xss-control')?.remove(); });

    await persona(page, `
      await persona.record(arg.map((text, i) => ({ id: 'xss-' + i, kind: i % 2 ? 'note' : 'message', role: 'user', text: text + ' pasta recipe', source: text.slice(0, 200), metadata: { title: text } })));
      for (const [i, text] of arg.entries()) await persona.memories.add({ id: 'xss-memory-' + i, text, category: text.slice(0, 100), sourceEventIds: ['xss-' + i], pinned: i === 0 });
      for (const [i, text] of arg.entries()) await persona.profile.setPreference('xss_' + i, text);
      await persona.profile.editSummary(arg.join('\\n'));
      await persona.memories.update('xss-memory-1', { text: arg[2] + ' edited' });
    `, PAYLOADS);
    await expect.poll(() => persona<number>(page, 'return (await persona.status()).intelligence.pending'), { timeout: 60_000 }).toBe(0);
    await persona(page, 'await persona.profile.updateInsights()');

    // Every view, and the views a provenance link opens.
    const targets = [...ROUTES.map((route) => `#${route.id}`), '#history/xss-1', '#memories/xss-memory-1'];
    for (const target of targets) {
      await page.evaluate((hash) => { location.hash = hash; }, target);
      const tag = ROUTES.find((route) => target.startsWith(`#${route.id}`))?.tag ?? '';
      await page.locator(tag).locator('h2').first().waitFor();
      // Let lazy parts (virtualized rows, source excerpts) render.
      await page.waitForTimeout(500);
      expect(await injectedElements(page), target).toEqual([]);
    }

    // An answer: the model's text is rendered through the Markdown subset; an edited answer is that path with text
    // we choose, so every payload goes through it. The why panel quotes the stored payloads beside it.
    await persona(page, `await persona.models.load({ id: 'stories260K', gguf: { url: new URL('/test-models/stories260K.gguf', location.href).href }, contextSize: 2048 })`);
    await page.evaluate(() => { location.hash = '#chat'; });
    const box = page.getByRole('textbox', { name: 'Message', exact: true });
    await expect.poll(() => page.getByRole('button', { name: 'Send' }).isEnabled(), { timeout: 60_000 }).toBe(true);
    await box.fill('What pasta recipe did I note?');
    await box.press('Enter');
    const turn = page.locator('persona-chat-turn').last();
    await turn.getByRole('button', { name: 'Edit the answer' }).waitFor({ timeout: 120_000 });
    await turn.getByRole('button', { name: 'Edit the answer' }).click();
    await turn.getByRole('textbox', { name: 'Edited answer' }).fill(PAYLOADS.join('\n\n'));
    await turn.getByRole('button', { name: 'Save' }).click();
    await turn.getByText('Why this answer').click();
    await expect.poll(() => turn.locator('persona-answer-why').getByText('(reading…)').count(), { timeout: 30_000 }).toBe(0);
    await turn.getByText('Show the exact prompt').click();
    await page.waitForTimeout(500);
    expect(await turn.locator('.answer-text').innerText()).toContain('<script>window.__xss("script")</script>');
    expect(await injectedElements(page), 'chat').toEqual([]);

    // Only the control ever ran.
    expect(await page.evaluate(() => (window as unknown as { __xssHits: string[] }).__xssHits)).toEqual(['control']);
    expect(session.pageErrors).toEqual([]);
    session.expectNothingLeftOrigin();
  } finally {
    await session.close();
  }
});
