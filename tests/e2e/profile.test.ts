// What a person does with their profile and memories in the built app: greeted once on a fresh profile, try the
// demo, follow a memory to the events it came from, delete a memory for good, correct one and see the edit in its
// history, keep preferences by keyboard, and keep their own summary over a real model's regeneration. Nothing may
// leave the app's origin.
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import type { Persona } from '../../src/persona';
import type {} from '../../src/app/persona-app';
import { seriousAxeFindings } from './axe-audit';
import { BrowserSession, test } from './browser-session';

/** Generous bounds only keep a slow, shared machine from failing a correct app; nothing here measures speed. */
const eventually = <T>(read: () => Promise<T>, timeout = 30_000) => expect.poll(read, { timeout, interval: 100 });

/** Opens the app at `hash` once its engine is open (a session greets the visitor only if opened with firstRun). */
async function openApp(session: BrowserSession, hash: string): Promise<Page> {
  const page = await session.newPage();
  await page.goto(`/${hash}`);
  await page.waitForFunction(() => document.querySelector('persona-app')?.persona !== undefined);
  return page;
}

/** Runs `work` in the page with its engine (the public Persona API the app exposes as `persona`) and `args`. */
async function withPersona<T>(page: Page, work: (persona: Persona, args: string[]) => Promise<T>, args: string[] = []): Promise<T> {
  const engine = await page.evaluateHandle(() => {
    const persona = document.querySelector('persona-app')?.persona;
    if (!persona) throw new Error('the engine is not open');
    return persona;
  });
  try {
    return await engine.evaluate(work, args);
  } finally {
    await engine.dispose();
  }
}

function expectStayedHome(session: BrowserSession): void {
  session.expectNothingLeftOrigin();
  expect(session.pageErrors).toEqual([]);
  expect(session.consoleErrors).toEqual([]);
}

const memoryTexts = (page: Page) => page.locator('persona-memory-item .text').allTextContents();

describe('first run and the demo profile', () => {
  test('a fresh profile is greeted once; the demo fills Profile and Memories, and memory sources exist', async ({ browser, baseURL }) => {
    const session = await BrowserSession.open(browser, baseURL, { firstRun: true });
    try {
      await greetedOnce(session);
    } finally {
      await session.close();
    }
  });

  test('Start empty leaves the history empty and is not asked again', async ({ browser, baseURL }) => {
    const session = await BrowserSession.open(browser, baseURL, { firstRun: true });
    try {
      const page = await openApp(session, '#memories');
      await page.getByRole('button', { name: 'Start empty' }).click();
      await page.getByRole('heading', { level: 2, name: 'Memories' }).waitFor();
      await expect.poll(() => page.getByText('No memories yet.').count(), { timeout: 20_000 }).toBe(1);
      expect(await withPersona(page, async (persona) => (await persona.events.list()).events.length)).toBe(0);
      await page.reload();
      await page.getByRole('heading', { level: 2, name: 'Memories' }).waitFor();
      expect(await page.getByRole('heading', { name: 'Welcome to Persona' }).count()).toBe(0);
      expectStayedHome(session);
    } finally {
      await session.close();
    }
  });
});

/** A new visitor's first visit: the greeting, the demo, where its memories came from, and no greeting again. */
async function greetedOnce(session: BrowserSession): Promise<void> {
  const page = await openApp(session, '');
  await page.getByRole('heading', { name: 'Welcome to Persona' }).waitFor();
  expect(await page.getByText('nothing about you is sent anywhere').count()).toBe(1);
  for (const theme of ['light', 'dark'] as const) expect(await seriousAxeFindings(page, theme), `first run in ${theme}`).toEqual([]);

  await page.getByRole('button', { name: 'Load the demo profile' }).click();
  await page.getByRole('heading', { name: 'Welcome to Persona' }).waitFor({ state: 'detached' });
  expect(await page.evaluate(() => localStorage.getItem('persona.welcomed'))).not.toBeNull();

  await page.goto('/#profile');
  const preferences = page.getByRole('list', { name: 'Your preferences' });
  await eventually(() => preferences.locator('.key').allTextContents()).toEqual(['answer-length', 'diet', 'language', 'units']);
  await eventually(() => page.locator('persona-profile-summary .text').textContent()).toMatch(/^Noor is a vegetarian home cook/);
  expect(await page.getByText('Edited by you').count()).toBe(1);

  await page.goto('/#memories');
  await eventually(async () => (await memoryTexts(page)).length).toBe(6);
  const sourceIds = await page
    .locator('persona-memory-item a[href^="#history/"]')
    .evaluateAll((links) => links.map((link) => decodeURIComponent((link.getAttribute('href') ?? '').slice('#history/'.length))));
  expect(sourceIds.length).toBeGreaterThanOrEqual(6);
  const found = await withPersona(page, (persona, ids) => persona.events.get(ids), sourceIds);
  expect(found.every((event) => event !== undefined)).toBe(true);
  expect(await page.getByText('Source deleted').count()).toBe(0);

  // A link to one memory brings it into view, highlighted and focused.
  await page.goto('/#memories/demo-memory-lisbon');
  const target = page.locator('persona-memory-item[data-id="demo-memory-lisbon"]');
  await eventually(() => target.getAttribute('highlighted')).toBe('');
  await eventually(() => target.evaluate((item) => item.shadowRoot?.activeElement?.tagName)).toBe('ARTICLE');

  // Welcomed once: a reload goes straight to the view.
  await page.goto('/#memories');
  await page.reload();
  await eventually(async () => (await memoryTexts(page)).length).toBe(6);
  expect(await page.getByRole('heading', { name: 'Welcome to Persona' }).count()).toBe(0);

  expectStayedHome(session);
}

describe('with the demo profile', () => {
  test('interests are charted once the history is understood; both views are axe-clean in light and dark and fit 360 px', async ({ browser, baseURL }) => {
    const session = await BrowserSession.open(browser, baseURL, { firstRun: true });
    try {
      const page = await openApp(session, '#profile');
      await page.getByRole('button', { name: 'Load the demo profile' }).click();
      await page.getByRole('heading', { name: 'Welcome to Persona' }).waitFor({ state: 'detached' });
      // Interests are read from embedded events: wait until the bundled embedder has understood the demo.
      await eventually(async () => {
        const { intelligence } = await withPersona(page, (persona) => persona.status());
        return intelligence.phase === 'ready' && intelligence.pending === 0 ? intelligence.embedded : 0;
      }, 90_000).toBeGreaterThanOrEqual(30);

      await page.getByRole('button', { name: 'Update insights' }).click();
      await eventually(() => page.getByText(/^Insights updated: /).count()).toBe(1);
      const rows = page.locator('persona-interest-chart tbody tr');
      await eventually(() => rows.count()).toBeGreaterThan(0);
      expect(await rows.first().locator('th').textContent()).not.toBe('');
      expect(await rows.first().locator('td').first().textContent()).toMatch(/\d+%|<1%/);
      expect(await page.locator('persona-interest-chart polyline').count()).toBe(await rows.count());
      await eventually(() => page.getByRole('heading', { name: 'How you write' }).locator('xpath=..').locator('li').count()).toBeGreaterThan(0);

      for (const hash of ['#profile', '#memories']) {
        await page.goto(`/${hash}`);
        await page.getByRole('heading', { level: 2, name: hash === '#profile' ? 'Profile' : 'Memories' }).waitFor();
        await page.locator(hash === '#profile' ? 'persona-interest-chart' : 'persona-memory-item').first().waitFor();
        for (const theme of ['light', 'dark'] as const) expect(await seriousAxeFindings(page, theme), `${hash} in ${theme}`).toEqual([]);
        await page.setViewportSize({ width: 360, height: 800 });
        expect(await page.evaluate(() => document.documentElement.scrollWidth), `${hash} at 360 px`).toBeLessThanOrEqual(360);
        await page.setViewportSize({ width: 1280, height: 800 });
      }
      expectStayedHome(session);
    } finally {
      await session.close();
    }
  }, 150_000);
});

describe('the Memories view', () => {
  test('a deleted memory is gone, and stays gone after a reload', async ({ session }) => {
    const page = await openApp(session, '#memories');
    await withPersona(page, async (persona) => {
      await persona.memories.add({ text: 'Keeps bees on the balcony' });
      await persona.memories.add({ text: 'Prefers trains to planes', category: 'preference' });
    });
    await eventually(async () => (await memoryTexts(page)).sort()).toEqual(['Keeps bees on the balcony', 'Prefers trains to planes']);

    await page.getByRole('button', { name: 'Delete memory “Keeps bees on the balcony”' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this memory?' });
    await dialog.waitFor();
    // Escape keeps it; confirming deletes it.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await memoryTexts(page)).toHaveLength(2);
    await page.getByRole('button', { name: 'Delete memory “Keeps bees on the balcony”' }).click();
    await dialog.getByRole('button', { name: 'Delete memory' }).click();
    await eventually(() => memoryTexts(page)).toEqual(['Prefers trains to planes']);

    await page.reload();
    await eventually(() => memoryTexts(page)).toEqual(['Prefers trains to planes']);
    expect(await withPersona(page, async (persona) => (await persona.memories.list()).map((m) => m.text))).toEqual(['Prefers trains to planes']);
    expect(await page.getByRole('alert').allTextContents()).toEqual(expect.arrayContaining(['']));

    expectStayedHome(session);
  });

  test("an edit shows in the memory's change history; search and filters narrow the list; a memory is added and unpinned", async ({ session }) => {
    const page = await openApp(session, '#memories');
    await withPersona(page, async (persona) => {
      await persona.memories.add({ text: 'Runs on Sundays', category: 'habit' });
      await persona.memories.add({ text: 'Allergic to peanuts', category: 'health', pinned: true });
    });
    await eventually(async () => (await memoryTexts(page)).length).toBe(2);

    await page.getByRole('button', { name: 'Edit memory “Runs on Sundays”' }).click();
    const editor = page.getByRole('textbox', { name: 'Memory', exact: true });
    await editor.fill('Runs on Saturdays and Sundays');
    await page.getByRole('button', { name: 'Save memory' }).click();
    await eventually(() => memoryTexts(page)).toContain('Runs on Saturdays and Sundays');

    const item = page.locator('persona-memory-item', { hasText: 'Runs on Saturdays and Sundays' });
    await item.getByText(/Change history/).click();
    const revisions = item.getByRole('list', { name: 'Change history' }).locator('li');
    await eventually(() => revisions.count()).toBe(2);
    expect(await revisions.first().locator('.revision-reason').textContent()).toBe('edited');
    expect(await revisions.first().textContent()).toContain('by you');
    expect(await revisions.first().locator('.revision-text').textContent()).toBe('Runs on Saturdays and Sundays');
    expect(await revisions.last().locator('.revision-reason').textContent()).toBe('created');

    await page.getByRole('searchbox', { name: 'Search memories' }).fill('peanut');
    await eventually(() => memoryTexts(page)).toEqual(['Allergic to peanuts']);
    await page.getByRole('searchbox', { name: 'Search memories' }).fill('');
    await page.getByRole('combobox', { name: 'Pinned' }).selectOption('unpinned');
    await eventually(() => memoryTexts(page)).toEqual(['Runs on Saturdays and Sundays']);
    await page.getByRole('combobox', { name: 'Pinned' }).selectOption('all');
    await page.getByRole('combobox', { name: 'Category', exact: true }).selectOption('health');
    await eventually(() => memoryTexts(page)).toEqual(['Allergic to peanuts']);
    await page.getByRole('combobox', { name: 'Category', exact: true }).selectOption('');

    // Added through the form, pinned; then unpinned, which the change history records too.
    await page.getByRole('textbox', { name: 'What Persona should remember' }).fill('Works night shifts');
    await page.getByRole('combobox', { name: 'Category (optional)' }).fill('work');
    await page.getByRole('checkbox', { name: /Pin it/ }).check();
    await page.getByRole('button', { name: 'Add memory' }).click();
    await eventually(() => memoryTexts(page)).toContain('Works night shifts');
    expect(await page.getByRole('textbox', { name: 'What Persona should remember' }).inputValue()).toBe('');
    await page.getByRole('button', { name: 'Unpin memory “Works night shifts”' }).click();
    await page.getByRole('button', { name: 'Pin memory “Works night shifts”' }).waitFor();
    const added = await withPersona(page, async (persona) => (await persona.memories.list({ text: 'night shifts' }))[0]);
    expect(added).toMatchObject({ category: 'work', pinned: false });
    expect(added?.history.map((revision) => revision.reason)).toEqual(['created', 'unpinned']);

    expectStayedHome(session);
  });
});

describe('the Profile view', () => {
  test('a preference is added and removed by keyboard; a refused key keeps the form filled', async ({ session }) => {
    const page = await openApp(session, '#profile');
    const name = page.getByRole('textbox', { name: 'Preference name' });
    await name.waitFor();

    await name.focus();
    await page.keyboard.type('bad key!');
    await page.keyboard.press('Tab');
    await page.keyboard.type('vegetarian');
    await page.keyboard.press('Enter');
    const alert = page.locator('persona-preferences-editor [role="alert"]');
    await eventually(() => alert.textContent()).toMatch(/^InvalidInputError: .*must be 1–64 letters/);
    expect(await name.inputValue()).toBe('bad key!');
    expect(await page.getByRole('textbox', { name: 'Value' }).inputValue()).toBe('vegetarian');

    await name.focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('diet');
    await page.keyboard.press('Enter');
    const keys = page.getByRole('list', { name: 'Your preferences' }).locator('.key');
    await eventually(() => keys.allTextContents()).toEqual(['diet']);
    expect(await alert.textContent()).toBe('');
    expect(await withPersona(page, async (persona) => (await persona.profile.get()).preferences['diet']?.value)).toBe('vegetarian');

    await page.getByRole('button', { name: 'Remove preference diet' }).press('Enter');
    await eventually(() => keys.count()).toBe(0);
    expect(await withPersona(page, async (persona) => Object.keys((await persona.profile.get()).preferences))).toEqual([]);
    // The row is gone; focus stays in the editor instead of falling to the page.
    expect(await name.evaluate((input) => input.matches(':focus'))).toBe(true);

    expectStayedHome(session);
  });

  test("the user's summary is kept when a real model regenerates it", async ({ session }) => {
    const page = await openApp(session, '#profile');
    await withPersona(page, (persona) => persona.record([{ kind: 'note', text: 'Went sailing on the lake' }, { kind: 'note', text: 'Bought a new rope' }]));
    await page.getByText('Regenerating needs a language model').waitFor();
    expect(await page.getByRole('link', { name: 'Load one under Models' }).getAttribute('href')).toBe('#models');
    // A new profile explains its cold start.
    expect(await page.getByRole('heading', { name: 'Persona is still getting to know you' }).count()).toBe(1);

    await page.getByRole('button', { name: 'Write a summary' }).click();
    const mine = 'I sail on weekends and like short answers.';
    await page.getByRole('textbox', { name: 'Your summary' }).fill(mine);
    await page.getByRole('button', { name: 'Save summary' }).click();
    await page.getByText('Edited by you').waitFor();
    const summaryText = page.locator('persona-profile-summary .text');
    expect(await summaryText.textContent()).toBe(mine);

    await withPersona(
      page,
      async (persona) => {
        await persona.models.load({ id: 'stories260K', gguf: { url: new URL('/test-models/stories260K.gguf', location.href).href }, contextSize: 512 });
      },
    );
    const regenerate = page.getByRole('button', { name: 'Regenerate summary' });
    await regenerate.waitFor();
    await regenerate.click();
    await eventually(() => page.locator('persona-profile-summary [role="status"]').textContent(), 60_000).toMatch(/^Your edited summary was kept/);
    expect(await summaryText.textContent()).toBe(mine);
    expect(await withPersona(page, async (persona) => (await persona.profile.get()).summary?.text)).toBe(mine);
    expect(await page.locator('persona-profile-summary [role="alert"]').textContent()).toBe('');

    expectStayedHome(session);
  }, 120_000);

  test("the model's summary links the events it came from and is marked stale when one is deleted", async ({ session }) => {
    const page = await openApp(session, '#profile');
    await withPersona(page, async (persona) => {
      await persona.record([
        { id: 'sail', kind: 'note', text: 'Went sailing on the lake' },
        { id: 'rope', kind: 'note', text: 'Bought a new rope for the boat' },
      ]);
      // The summary's instructions need more room than a 512-token context leaves.
      await persona.models.load({ id: 'stories260K', gguf: { url: new URL('/test-models/stories260K.gguf', location.href).href }, contextSize: 2048 });
    });
    await page.getByRole('button', { name: 'Regenerate summary' }).click();
    const status = page.locator('persona-profile-summary [role="status"]');
    await eventually(() => status.textContent(), 60_000).toBe('The model wrote a new summary from your history.');
    const summary = await withPersona(page, async (persona) => (await persona.profile.get()).summary);
    expect(summary?.editedAt).toBeUndefined();
    expect(await page.locator('persona-profile-summary .text').textContent()).toBe(summary?.text);
    expect(await page.getByText('Edited by you').count()).toBe(0);

    await page.getByText('Events it was written from').click();
    const sources = page.locator('persona-profile-summary details a');
    await eventually(async () => (await sources.evaluateAll((links) => links.map((link) => link.getAttribute('href')))).sort()).toEqual(['#history/rope', '#history/sail']);

    await withPersona(page, async (persona) => {
      await persona.events.delete('sail');
    });
    await page.locator('persona-profile-summary .marker', { hasText: 'Stale' }).waitFor();
    expect(await page.getByText('Some of the events this summary came from were deleted').count()).toBe(1);
    expect(await page.locator('persona-profile-summary [role="alert"]').textContent()).toBe('');

    expectStayedHome(session);
  }, 120_000);
});
