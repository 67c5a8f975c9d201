// What a person does with the app's History view: write notes by keyboard, find them again after a reload, delete
// one (after confirming), get a named error for a note that is too long, and see another tab's note arrive. Nothing
// may leave the app's origin.
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { BrowserSession, test } from './browser-session';

/** Opens the app's History view in a new tab and waits until the engine is open and the note box is there. */
async function openApp(session: BrowserSession): Promise<Page> {
  const page = await session.newPage();
  await page.goto('/#history');
  await noteBox(page).waitFor();
  return page;
}

const noteBox = (page: Page) => page.getByRole('textbox', { name: 'New note' });
const eventCount = (page: Page) => page.locator('#event-count');
const alertText = (page: Page) => page.locator('persona-history-view .alert').textContent();
const isFocused = (page: Page) => noteBox(page).evaluate((element) => element.matches(':focus'));

/** The timeline renders the rows near the viewport only, below the note form: bring it into view and read them. */
async function listedTexts(page: Page): Promise<string[]> {
  await page.locator('persona-history-timeline').evaluate((element) => { element.scrollIntoView({ block: 'start' }); });
  return page.locator('persona-history-timeline .event .text').allTextContents();
}

/** Deletes a note by keyboard: Enter on its delete button, then Tab from Cancel (which has the focus) to confirm. */
async function deleteByKeyboard(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name }).press('Enter');
  await page.getByRole('dialog').waitFor();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.getByRole('dialog').waitFor({ state: 'hidden' });
}

/**
 * Polls until the page shows what is expected. The generous bound only keeps a slow machine from failing a correct
 * app; nothing here measures how fast the app is.
 */
const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 50 });

/** What every test ends with: the app made requests (the log works), all to its own origin, and threw nothing. */
function expectStayedHome(session: BrowserSession): void {
  expect(session.requests.map((request) => request.url)).toContain(session.baseURL);
  session.expectCleanRun();
}

describe('the Persona app', () => {
  test('records notes by keyboard, keeps them across a reload, and deletes one', async ({ session }) => {
    const page = await openApp(session);
    await eventually(() => eventCount(page).textContent()).toBe('0 events stored on this device');
    expect(await page.getByText('Everything stays on this device').count()).toBe(1);

    // After the navigation, the note box is the first thing Tab reaches; Tab again reaches the Save button, Enter saves.
    await page.getByRole('link', { name: 'Data & privacy' }).focus();
    await page.keyboard.press('Tab');
    expect(await isFocused(page)).toBe(true);
    await page.keyboard.type('Prefers oat milk in coffee');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await eventually(() => eventCount(page).textContent()).toBe('1 event stored on this device');
    // Saving empties the box and puts the cursor back, so the next note can be typed at once; Ctrl+Enter saves too.
    expect(await noteBox(page).inputValue()).toBe('');
    expect(await isFocused(page)).toBe(true);
    await page.keyboard.type('Reading: The Left Hand of Darkness');
    await page.keyboard.press('Control+Enter');

    await eventually(() => eventCount(page).textContent()).toBe('2 events stored on this device');
    await eventually(async () => (await listedTexts(page)).sort()).toEqual(['Prefers oat milk in coffee', 'Reading: The Left Hand of Darkness']);
    expect(await page.locator('persona-history-timeline .event .kind').allTextContents()).toEqual(['note', 'note']);
    expect(await page.locator('persona-history-timeline .event time').count()).toBe(2);

    // IndexedDB keeps them: a reload shows the same two.
    await page.reload();
    await noteBox(page).waitFor();
    await eventually(() => eventCount(page).textContent()).toBe('2 events stored on this device');
    await eventually(async () => (await listedTexts(page)).sort()).toEqual(['Prefers oat milk in coffee', 'Reading: The Left Hand of Darkness']);

    // Each row's delete button is named after its note; Enter on it, then confirming, deletes that note only.
    await deleteByKeyboard(page, 'Delete note “Prefers oat milk in coffee”');
    await eventually(() => eventCount(page).textContent()).toBe('1 event stored on this device');
    await eventually(() => page.locator('#deletion-notice').textContent()).toBe('1 event deleted.');
    await eventually(() => listedTexts(page)).toEqual(['Reading: The Left Hand of Darkness']);
    await page.reload();
    await noteBox(page).waitFor();
    await eventually(() => listedTexts(page)).toEqual(['Reading: The Left Hand of Darkness']);
    expect(await alertText(page)).toBe('');

    expectStayedHome(session);
  });

  test('an over-long note shows a named error and records nothing', async ({ session }) => {
    const page = await openApp(session);
    const tooLong = 'x'.repeat(32_001);
    await noteBox(page).fill(tooLong);
    await noteBox(page).press('Control+Enter');

    await eventually(() => alertText(page)).not.toBe('');
    // The error is shown by name (hosts and tests branch on it), with the message that says what to do.
    expect(await alertText(page)).toBe(
      'InvalidEventError: Invalid event: events[0].text must be at most 32000 characters. Nothing was recorded.',
    );
    // The rejected text stays in the box to be shortened; nothing was stored, now or after a reload.
    expect(await noteBox(page).inputValue()).toBe(tooLong);
    expect(await eventCount(page).textContent()).toBe('0 events stored on this device');
    expect(await listedTexts(page)).toEqual([]);
    await page.reload();
    await noteBox(page).waitFor();
    await eventually(() => eventCount(page).textContent()).toBe('0 events stored on this device');

    // A note at the limit is fine and clears the error.
    await noteBox(page).fill('y'.repeat(32_000));
    await noteBox(page).press('Control+Enter');
    await eventually(() => eventCount(page).textContent()).toBe('1 event stored on this device');
    expect(await alertText(page)).toBe('');

    expectStayedHome(session);
  });

  test("another tab's writes appear without a reload", async ({ session }) => {
    const first = await openApp(session);
    const navigations: string[] = [];
    first.on('framenavigated', (frame) => {
      if (frame === first.mainFrame()) navigations.push(frame.url());
    });
    const second = await openApp(session);

    await noteBox(second).fill('Written in the second tab');
    await noteBox(second).press('Control+Enter');
    await eventually(() => eventCount(second).textContent()).toBe('1 event stored on this device');
    await eventually(() => listedTexts(first)).toEqual(['Written in the second tab']);
    expect(await eventCount(first).textContent()).toBe('1 event stored on this device');

    // And back: a deletion in the first tab empties the second.
    await deleteByKeyboard(first, 'Delete note “Written in the second tab”');
    await eventually(() => eventCount(second).textContent()).toBe('0 events stored on this device');
    expect(await listedTexts(second)).toEqual([]);

    expect(navigations).toEqual([]);
    expectStayedHome(session);
  });

  // The checks above are only as good as the request log: show that it sees a page's and a worker's requests to
  // another origin. The other origin is http://localhost:<port>, the same loopback server under another name, and
  // the policy is bypassed for this context only, since the app's CSP would (rightly) stop both requests.
  test('the request audit sees requests from pages and their workers to other origins', async ({ browser, baseURL }) => {
    const session = await BrowserSession.open(browser, baseURL, { bypassCSP: true });
    try {
      const page = await openApp(session);
      const elsewhere = new URL(baseURL);
      elsewhere.hostname = 'localhost';
      const fromPage = new URL('audit-probe-page', elsewhere).href;
      const fromWorker = new URL('audit-probe-worker', elsewhere).href;
      const workerDone = await page.evaluate(
        async ({ fromPage, fromWorker }) => {
          await fetch(fromPage).catch(() => undefined);
          const source = `fetch(${JSON.stringify(fromWorker)}).catch(() => undefined).then(() => postMessage('done'));`;
          const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
          const message = await new Promise<unknown>((resolve) => {
            worker.onmessage = (event) => { resolve(event.data); };
          });
          worker.terminate();
          return message;
        },
        { fromPage, fromWorker },
      );
      expect(workerDone).toBe('done');
      expect(session.requestsOutside().map((request) => request.url)).toEqual([fromPage, fromWorker]);
      // The worker's own blob: script is memory of the app's origin, not a request elsewhere.
      expect(session.requests.some((request) => request.url.startsWith(`blob:${session.origin}/`))).toBe(true);
    } finally {
      await session.close();
    }
  });
});
