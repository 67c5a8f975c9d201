// The History view in the built app: events a host records appear in the timeline; filters re-query it; deleting a
// selection or a period asks first and then says what went with the events; a provenance link '#history/<id>' shows
// its event; and a 100,000-event history scrolls with a bounded number of rows in the DOM while pages load as the
// person reaches the end. Nothing leaves the origin.
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import type { HistoryEventInput, MemoryInput, Persona } from '../../src/index';
import { seriousAxeFindings } from './axe-audit';
import { type BrowserSession, test } from './browser-session';

const eventually = <T>(read: () => Promise<T>, timeout = 20_000) => expect.poll(read, { timeout, interval: 50 });

async function openHistory(session: BrowserSession, hash = '#history'): Promise<Page> {
  const page = await session.newPage();
  await page.goto(`/${hash}`);
  await page.getByRole('textbox', { name: 'New note' }).waitFor();
  return page;
}

/** Records through the engine the app exposes, as a host page would. */
async function record(page: Page, events: readonly HistoryEventInput[]): Promise<void> {
  // Typed loosely for the hop: Playwright's argument types recurse too deep on JSON metadata.
  await page.evaluate(async (batch) => {
    const app = document.querySelector('persona-app') as unknown as { persona: Persona };
    await app.persona.record(batch as HistoryEventInput[]);
  }, events as readonly unknown[]);
}

async function addMemory(page: Page, memory: MemoryInput): Promise<void> {
  await page.evaluate(async (input) => {
    const app = document.querySelector('persona-app') as unknown as { persona: Persona };
    await app.persona.memories.add(input);
  }, memory);
}

const eventCount = (page: Page) => page.locator('#event-count').textContent();
/**
 * The timeline renders only rows near the viewport (that is its job), and it sits below the note form and search:
 * bring it into view, then read what it rendered.
 */
async function rowTexts(page: Page): Promise<string[]> {
  await page.locator('persona-history-timeline').evaluate((element) => { element.scrollIntoView({ block: 'start' }); });
  return page.locator('persona-history-timeline .event .text').allTextContents();
}
const notice = (page: Page) => page.locator('#deletion-notice').textContent();
const loadedCount = async (page: Page) => Number(((await page.locator('#loaded-count').textContent()) ?? '').replace(/\D/g, ''));

async function confirmDeletion(page: Page, label: string): Promise<void> {
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  // The safe answer has the focus, so a stray Enter deletes nothing.
  expect(await dialog.getByRole('button', { name: 'Cancel' }).evaluate((button) => button.matches(':focus'))).toBe(true);
  await dialog.getByRole('button', { name: label, exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
}



const DAY = 24 * 60 * 60 * 1000;
const day = (iso: string, hour = 12) => new Date(`${iso}T${String(hour).padStart(2, '0')}:00:00`).getTime();

describe('the History view', () => {
  test('recorded events appear with their kind, source and embedding state; filtering by kind re-queries', async ({ session }) => {
    const page = await openHistory(session);
    await eventually(() => eventCount(page)).toBe('0 events stored on this device');
    await record(page, [
      { kind: 'view', text: 'Viewed a red bicycle', source: 'shop.example', ts: Date.now() - 3 * DAY },
      { kind: 'note', text: 'Likes long rides on weekends', ts: Date.now() - 2 * DAY },
      { kind: 'view', text: 'Viewed a bicycle helmet', source: 'shop.example', ts: Date.now() - DAY },
    ]);
    await eventually(() => eventCount(page)).toBe('3 events stored on this device');
    await eventually(() => rowTexts(page)).toEqual(['Viewed a bicycle helmet', 'Likes long rides on weekends', 'Viewed a red bicycle']);
    const first = page.locator('persona-history-timeline .event').first();
    expect(await first.locator('.kind').textContent()).toBe('view');
    expect(await first.locator('.source').textContent()).toBe('from shop.example');
    // The embedder understands them in the background; each row says when it has.
    await eventually(async () => (await rowTexts(page), page.locator('persona-history-timeline .badge').allTextContents()), 60_000).toEqual([
      'Search by meaning: embedded',
      'Search by meaning: embedded',
      'Search by meaning: embedded',
    ]);

    await page.getByLabel('Kind').selectOption('view');
    await eventually(() => rowTexts(page)).toEqual(['Viewed a bicycle helmet', 'Viewed a red bicycle']);
    expect(await page.locator('#loaded-count').textContent()).toBe('All 2 events that match shown, newest first.');
    await page.getByLabel('Kind').selectOption('rating');
    await eventually(() => page.locator('#loaded-count').textContent()).toBe('No events match these filters.');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await eventually(() => rowTexts(page)).toHaveLength(3);
    // The source filter narrows by who recorded the event.
    await page.getByLabel('Source').fill('app');
    await page.getByLabel('Source').press('Enter');
    await eventually(() => rowTexts(page)).toEqual(['Likes long rides on weekends']);

    // A From day after the To day is explained rather than queried.
    await page.getByLabel('From', { exact: true }).fill('2024-02-02');
    await page.getByLabel('To', { exact: true }).fill('2024-02-01');
    await eventually(() => page.locator('persona-history-view .alert').textContent()).toContain('The “From” day is after the “To” day');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await eventually(() => page.locator('persona-history-view .alert').textContent()).toBe('');

    // A phone-sized window: everything wraps, nothing scrolls sideways.
    await page.setViewportSize({ width: 360, height: 740 });
    await eventually(() => rowTexts(page)).toHaveLength(3);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

    expect(await seriousAxeFindings(page, 'light')).toEqual([]);
    expect(await seriousAxeFindings(page, 'dark')).toEqual([]);
    session.expectCleanRun();
  }, 120_000);

  test('deleting a selection and a period asks first, then says what went with the events', async ({ session }) => {
    const page = await openHistory(session);
    await record(page, [
      { id: 'tea-1', kind: 'note', text: 'Drank green tea', ts: day('2024-05-10') },
      { id: 'tea-2', kind: 'note', text: 'Bought oolong tea', ts: day('2024-05-11') },
      { id: 'bread', kind: 'note', text: 'Baked sourdough bread', ts: day('2024-05-12') },
      { id: 'old-1', kind: 'view', text: 'Old visit one', ts: day('2020-01-01', 0) },
      { id: 'old-2', kind: 'click', text: 'Old visit two', ts: day('2020-01-02', 23) },
      { id: 'later', kind: 'view', text: 'A later visit', ts: day('2020-01-03') },
    ]);
    await addMemory(page, { text: 'Likes tea', sourceEventIds: ['tea-1', 'tea-2'] });
    await addMemory(page, { text: 'Enjoys making food and drink', sourceEventIds: ['tea-1', 'bread'] });
    await eventually(() => eventCount(page)).toBe('6 events stored on this device');
    await eventually(() => rowTexts(page)).toHaveLength(6);

    await page.getByRole('checkbox', { name: 'Select note “Drank green tea”' }).check();
    await page.getByRole('checkbox', { name: 'Select note “Bought oolong tea”' }).check();
    await page.getByRole('button', { name: 'Delete selected (2)…' }).click();
    // Cancelling deletes nothing.
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Delete selected (2)…' }).click();
    await confirmDeletion(page, 'Delete 2 events');
    await eventually(() => notice(page)).toBe('2 events deleted; 1 memory that came only from them was deleted too; 1 memory no longer cites them.');
    expect(await page.locator('#deletion-notice').evaluate((element) => element.matches(':focus'))).toBe(true);
    await eventually(() => eventCount(page)).toBe('4 events stored on this device');
    await eventually(() => rowTexts(page)).toEqual(['Baked sourdough bread', 'A later visit', 'Old visit two', 'Old visit one']);
    expect(await page.getByRole('button', { name: 'Delete selected (0)…' }).isDisabled()).toBe(true);

    // A period: whole days in the person's time zone, every kind.
    await page.getByText('Delete a period').click();
    await page.getByLabel('First day').fill('2020-01-01');
    await page.getByLabel('Last day').fill('2020-01-02');
    await page.getByRole('button', { name: 'Delete events in these days…' }).click();
    await confirmDeletion(page, 'Delete these days');
    await eventually(() => notice(page)).toBe('2 events deleted.');
    await eventually(() => rowTexts(page)).toEqual(['Baked sourdough bread', 'A later visit']);

    // One row's delete button names its event; Escape on the question keeps it.
    await page.getByRole('button', { name: 'Delete note “Baked sourdough bread”' }).click();
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    expect(await rowTexts(page)).toHaveLength(2);
    await page.getByRole('button', { name: 'Delete note “Baked sourdough bread”' }).click();
    await confirmDeletion(page, 'Delete 1 event');
    await eventually(() => notice(page)).toBe('1 event deleted; 1 memory that came only from it was deleted too.');
    await eventually(() => eventCount(page)).toBe('1 event stored on this device');
    expect(await page.getByRole('alert').first().textContent()).toBe('');
    session.expectCleanRun();
  });

  test("a provenance link '#history/<id>' shows its event above the timeline, or says it is gone", async ({ session }) => {
    const page = await openHistory(session);
    await record(page, [
      { id: 'cited', kind: 'note', text: 'The note an answer cited' },
      { id: 'other', kind: 'note', text: 'Another note' },
    ]);
    await page.goto('/#history/cited');
    const linked = page.locator('#linked');
    await eventually(() => linked.locator('.text').textContent()).toBe('The note an answer cited');
    expect(await page.getByRole('heading', { name: 'Linked event' }).count()).toBe(1);

    await linked.getByRole('button', { name: 'Delete note “The note an answer cited”' }).click();
    await confirmDeletion(page, 'Delete 1 event');
    await eventually(() => linked.textContent()).toContain('The linked event no longer exists');
    await eventually(() => rowTexts(page)).toEqual(['Another note']);

    await page.goto('/#history/never-was');
    await eventually(() => linked.textContent()).toContain('The linked event no longer exists');
    await page.getByRole('link', { name: 'Close the linked event' }).click();
    await eventually(() => linked.count()).toBe(0);
    session.expectCleanRun();
  });

  test('a 100,000-event history pages in as the person scrolls, with a bounded number of rows in the DOM', async ({ session }) => {
    const page = await openHistory(session);
    const total = 100_000;
    const batch = 50_000; // DEFAULT_EVENT_LIMITS.maxBatchSize
    const started = Date.now();
    for (let offset = 0; offset < total; offset += batch) {
      await page.evaluate(
        async ({ offset, batch, now }) => {
          const app = document.querySelector('persona-app') as unknown as { persona: Persona };
          const events = Array.from({ length: batch }, (_, i) => ({ kind: 'view' as const, text: `Visit ${offset + i}`, ts: now - (offset + i) * 1000 }));
          await app.persona.record(events);
        },
        { offset, batch, now: Date.now() },
      );
    }
    console.info(`recorded ${total} events in ${Date.now() - started} ms`);
    await eventually(() => eventCount(page), 60_000).toBe('100,000 events stored on this device');
    await eventually(() => loadedCount(page)).toBeGreaterThan(0);

    const rendered = page.locator('persona-history-timeline .event');
    const seen: number[] = [];
    for (let scroll = 0; scroll < 5; scroll++) {
      const before = await loadedCount(page);
      await page.evaluate(() => { window.scrollTo(0, document.documentElement.scrollHeight); });
      await eventually(() => loadedCount(page), 30_000).toBeGreaterThan(before);
      seen.push(await rendered.count());
    }
    const loaded = await loadedCount(page);
    console.info(`loaded ${loaded} rows after 5 scrolls; rendered ${seen.join(', ')}; ${Date.now() - started} ms in all`);
    expect(loaded).toBeGreaterThanOrEqual(500);
    expect(loaded).toBeLessThan(total);
    for (const count of seen) {
      expect(count).toBeGreaterThan(0);
      expect(count).toBeLessThan(200);
    }
    // The newest rows are still there to scroll back to, in order.
    await eventually(async () => (await rowTexts(page))[0]).toBe('Visit 0');
    session.expectCleanRun();
  }, 300_000);
});
