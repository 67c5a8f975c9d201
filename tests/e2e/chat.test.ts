// The Chat view with the real small test model (stories260K writes nonsense stories, so these tests check structure,
// never content): asking by keyboard, the answer shown while it is written, why it says what it says (every source
// linked to a stored event, the exact prompt), ratings, Stop, Regenerate, edits, copying, temporary chats, and a note
// holding markup that stays text. Nothing may leave the app's origin.
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import type { PersonaApp } from '../../src/app/persona-app';
import type { BrowserSession } from './browser-session';
import { seriousAxeFindings } from './axe-audit';
import { test } from './browser-session';

/** A generous bound for a loaded machine; nothing here measures speed. */
const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 60_000, interval: 100 });
const TIMEOUT = 180_000;

const XSS_NOTE = 'Favourite snack: <img src=x onerror="window.__xss=1"> crackers';

const live = (page: Page) => page.locator('persona-chat-view .live');
const turns = (page: Page) => page.locator('persona-chat-turn');
const lastTurn = (page: Page) => turns(page).last();
const answerText = (page: Page) => lastTurn(page).locator('.answer-text').innerText();
const messageBox = (page: Page) => page.getByRole('textbox', { name: 'Message', exact: true });

/** Opens the Chat view, records `notes` and waits until they are embedded, then loads the test model. */
async function openChat(session: BrowserSession, notes: readonly string[] = []): Promise<Page> {
  const page = await session.newPage();
  await page.goto('/#chat');
  await page.getByRole('heading', { name: 'Chat', level: 2 }).waitFor();
  await page.waitForFunction(() => document.querySelector('persona-app')?.persona !== undefined);
  if (notes.length > 0) {
    await page.evaluate(async (texts) => {
      await persona().record(texts.map((text) => ({ kind: 'note' as const, text })));
      function persona() {
        const engine = document.querySelector('persona-app')?.persona;
        if (!engine) throw new Error('the app has no engine');
        return engine;
      }
    }, notes);
    await eventually(() =>
      page.evaluate(async (count) => {
        const status = await document.querySelector('persona-app')?.persona?.status();
        return status !== undefined && status.intelligence.pending === 0 && status.intelligence.embedded >= count;
      }, notes.length),
    ).toBe(true);
  }
  // A 2,048-token context leaves the prompt room for the notes beside a medium-length answer.
  await page.evaluate(async () => {
    await document.querySelector('persona-app')?.persona?.models.load({
      id: 'stories260K',
      gguf: { url: new URL('/test-models/stories260K.gguf', location.href).href },
      contextSize: 2048,
    });
  });
  await eventually(() => page.getByRole('button', { name: 'Send' }).isEnabled()).toBe(true);
  return page;
}

/**
 * Wraps the engine's chat() in the page to note, after each streamed piece has been rendered, the answer's text and
 * whether its turn was still answering; and, when asked, to press Stop as soon as the first piece is on screen.
 */
async function watchAnswers(page: Page): Promise<void> {
  await page.evaluate(() => {
    const app = document.querySelector('persona-app') as PersonaApp;
    const persona = app.persona;
    if (!persona) throw new Error('the app has no engine');
    const watch = { seen: [] as { text: string; busy: string | null }[], stopAfterFirstPiece: false };
    Object.assign(window, { __watch: watch });
    const chat = persona.chat.bind(persona);
    persona.chat = (conversation, options) =>
      chat(conversation, {
        ...options,
        onToken: (piece) => {
          options?.onToken?.(piece);
          const view = app.shadowRoot?.querySelector('persona-chat-view');
          if (watch.stopAfterFirstPiece) {
            watch.stopAfterFirstPiece = false;
            const stop = [...(view?.shadowRoot?.querySelectorAll('button') ?? [])].find((button) => button.textContent.trim() === 'Stop');
            if (!stop) throw new Error('no Stop button while answering');
            stop.click();
          }
          void view?.updateComplete.then(async () => {
            const turn = [...(view.shadowRoot?.querySelectorAll('persona-chat-turn') ?? [])].at(-1);
            await turn?.updateComplete;
            const answer = turn?.shadowRoot?.querySelector('.answer');
            watch.seen.push({ text: answer?.querySelector('.answer-text')?.textContent.trim() ?? '', busy: answer?.getAttribute('aria-busy') ?? null });
          });
        },
      });
  });
}

async function ask(page: Page, question: string): Promise<void> {
  await messageBox(page).focus();
  await page.keyboard.type(question);
  await page.keyboard.press('Enter');
}

const messageCount = (page: Page) =>
  page.evaluate(async () => (await document.querySelector('persona-app')?.persona?.events.list({ kind: 'message', limit: 1000 }))?.events.length ?? -1);

async function expectAccessible(page: Page): Promise<void> {
  for (const theme of ['light', 'dark'] as const) expect(await seriousAxeFindings(page, theme), theme).toEqual([]);
}


describe('the Chat view', () => {
  test('without a model it says so and points to Models', async ({ session }) => {
    const page = await session.newPage();
    await page.goto('/#chat');
    const choose = page.getByRole('link', { name: 'Choose a model' });
    await eventually(() => choose.count()).toBe(1);
    expect(await choose.getAttribute('href')).toBe('#models');
    expect(await page.getByText('No model is loaded yet').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    await expectAccessible(page);
    session.expectCleanRun();
  });

  test('answers a question asked by keyboard as it is written, and says why', { timeout: TIMEOUT }, async ({ session }) => {
    const notes = ['Lily played with a big red ball in the park', 'We baked a chocolate cake for the birthday party', XSS_NOTE];
    const page = await openChat(session, notes);
    const memoryId = await page.evaluate(async () => {
      const persona = document.querySelector('persona-app')?.persona;
      await persona?.profile.setPreference('tone', 'playful');
      return (await persona?.memories.add({ text: 'Has a dog called Rex', pinned: true }))?.id;
    });
    await watchAnswers(page);
    const before = await messageCount(page);

    await ask(page, 'Tell me about the red ball');
    await eventually(() => live(page).textContent()).toBe('Answer complete');
    expect((await answerText(page)).length).toBeGreaterThan(0);
    expect(await messageBox(page).inputValue()).toBe('');
    // Streaming: some piece of the answer was on screen while its turn was still answering.
    const seen = await page.evaluate(() => (window as unknown as { __watch: { seen: { text: string; busy: string | null }[] } }).__watch.seen);
    expect(seen.some((s) => s.busy === 'true' && s.text.length > 0)).toBe(true);
    expect(await lastTurn(page).locator('.answer').getAttribute('aria-busy')).toBe('false');
    // The question and the answer are recorded.
    expect(await messageCount(page)).toBe(before + 2);

    // Why this answer: every history source links to a stored event; the note with markup is text.
    await lastTurn(page).getByText('Why this answer').click();
    const why = lastTurn(page).locator('persona-answer-why');
    const historyLinks = why.locator('a[href^="#history/"]');
    await eventually(() => historyLinks.count()).toBeGreaterThan(0);
    await eventually(() => why.getByText('(reading…)').count()).toBe(0);
    const ids = (await historyLinks.evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''))).map((href) => href.replace(/^#history\//, ''));
    const stored = await page.evaluate(async (wanted) => (await document.querySelector('persona-app')?.persona?.events.get(wanted))?.map((e) => e?.id), ids);
    expect(stored).toEqual(ids);
    expect(await why.locator('a[href^="#history/"]', { hasText: XSS_NOTE }).count()).toBe(1);
    expect(await why.locator('img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
    expect(await why.getByText(/\d+ tokens?/).count()).toBeGreaterThan(0);
    // The preference and the pinned memory are there too, linked to where they can be changed.
    expect(await why.getByRole('link', { name: 'Preference “tone”' }).getAttribute('href')).toBe('#profile');
    expect(await why.getByRole('link', { name: 'Has a dog called Rex' }).getAttribute('href')).toBe(`#memories/${memoryId ?? ''}`);

    // The exact prompt starts with the system message.
    await why.getByText('Show the exact prompt').click();
    await eventually(() => why.locator('.prompt .role').first().textContent()).toBe('system');
    expect((await why.locator('.prompt pre').first().textContent())?.length).toBeGreaterThan(0);

    const up = lastTurn(page).getByRole('button', { name: 'Good answer' });
    expect(await up.getAttribute('aria-pressed')).toBe('false');
    await up.press('Enter');
    await eventually(() => up.getAttribute('aria-pressed')).toBe('true');
    expect(await lastTurn(page).getByRole('button', { name: 'Bad answer' }).getAttribute('aria-pressed')).toBe('false');
    expect(await page.getByRole('alert').first().textContent()).toBe('');

    await expectAccessible(page);
    expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();

    // On a 360 px wide screen nothing scrolls sideways.
    await page.setViewportSize({ width: 360, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

    // Following a source to the history and coming back keeps the conversation.
    const shown = await answerText(page);
    await historyLinks.first().click();
    await eventually(() => page.evaluate(() => location.hash)).toBe(`#history/${ids[0] ?? ''}`);
    await page.goBack();
    await eventually(() => turns(page).count()).toBe(1);
    expect(await answerText(page)).toBe(shown);
    session.expectCleanRun();
  });

  test('Stop keeps what was written; Regenerate, Edit and Copy work on the answer', { timeout: TIMEOUT }, async ({ session }) => {
    await session.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: session.origin });
    const page = await openChat(session);
    await watchAnswers(page);

    await page.evaluate(() => {
      (window as unknown as { __watch: { stopAfterFirstPiece: boolean } }).__watch.stopAfterFirstPiece = true;
    });
    await ask(page, 'Tell me a long story');
    await eventually(() => live(page).textContent()).toBe('Stopped');
    expect((await answerText(page)).length).toBeGreaterThan(0);
    expect(await lastTurn(page).getByText('Stopped: the answer ends where you stopped it.').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Send' }).count()).toBe(1);

    // Regenerate asks the same question again in the same place.
    const before = await messageCount(page);
    await lastTurn(page).getByRole('button', { name: 'Regenerate' }).click();
    await eventually(() => live(page).textContent()).toBe('Answer complete');
    expect(await turns(page).count()).toBe(1);
    expect(await lastTurn(page).getByText('Stopped:').count()).toBe(0);
    expect(await messageCount(page)).toBe(before + 2);

    // Edit the answer: the edited text (Markdown) is the answer now; Escape leaves the editor without saving.
    await lastTurn(page).getByRole('button', { name: 'Edit the answer' }).click();
    const editor = lastTurn(page).getByRole('textbox', { name: 'Edited answer' });
    await editor.press('Escape');
    expect(await editor.count()).toBe(0);
    await lastTurn(page).getByRole('button', { name: 'Edit the answer' }).click();
    await editor.fill('My **better** answer');
    await lastTurn(page).getByRole('button', { name: 'Save' }).click();
    await eventually(() => answerText(page)).toBe('My better answer');
    expect(await lastTurn(page).locator('.answer-text strong').textContent()).toBe('better');
    expect(await lastTurn(page).getByText('Edited by you.').count()).toBe(1);

    await lastTurn(page).getByRole('button', { name: 'Copy' }).click();
    await eventually(() => live(page).textContent()).toBe('Answer copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('My **better** answer');
    expect(await page.getByRole('alert').first().textContent()).toBe('');

    // A browser that refuses the clipboard: the refusal is shown, with what to do instead.
    await page.evaluate(() => {
      navigator.clipboard.writeText = () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'));
    });
    await lastTurn(page).getByRole('button', { name: 'Copy' }).click();
    const refused = page.getByRole('alert').filter({ hasText: 'did not allow copying' });
    await eventually(() => refused.count()).toBe(1);
    expect(await refused.textContent()).toMatch(/NotAllowedError.*copy it with the keyboard/);

    session.expectCleanRun();
  });

  test('a temporary chat records nothing; a new chat starts empty', { timeout: TIMEOUT }, async ({ session }) => {
    const page = await openChat(session, ['Walked the dog along the river']);
    const before = await messageCount(page);

    await page.getByRole('checkbox', { name: 'Temporary chat: record nothing' }).check();
    expect(await page.getByRole('region', { name: 'Temporary conversation' }).count()).toBe(1);
    expect(await page.getByText('Temporary chat: nothing you ask or get here is recorded').count()).toBe(1);
    await ask(page, 'Where did I walk the dog?');
    await eventually(() => live(page).textContent()).toBe('Answer complete');
    expect(await lastTurn(page).getByText('Temporary: not recorded.').count()).toBe(1);
    expect(await lastTurn(page).getByRole('button', { name: 'Good answer' }).isDisabled()).toBe(true);
    expect(await messageCount(page)).toBe(before);

    // Back to an ordinary chat: the next turn is recorded (the earlier, temporary one still is not).
    await page.getByRole('checkbox', { name: 'Temporary chat: record nothing' }).uncheck();
    await ask(page, 'And the cat?');
    await eventually(() => turns(page).count()).toBe(2);
    await eventually(() => lastTurn(page).locator('.answer').getAttribute('aria-busy')).toBe('false');
    expect(await live(page).textContent()).toBe('Answer complete');
    expect(await messageCount(page)).toBe(before + 2);

    await page.getByRole('button', { name: 'New chat' }).click();
    expect(await turns(page).count()).toBe(0);
    expect(await live(page).textContent()).toBe('New chat');
    expect(await messageBox(page).evaluate((box) => box.matches(':focus'))).toBe(true);

    session.expectCleanRun();
  });
});
