// Two tabs of the app writing at once (issue 9, item 3): each records 1,000 events in small batches while the other
// does — the test proves their writes overlapped in time — and the store ends with exactly 2,000, each once. Each
// tab's engine (its own worker, its own in-memory index) catches up with the other's writes: keyword search in one
// tab finds what the other recorded, and a preference set in one tab is in the other's profile. And when another
// tab runs a newer Persona that upgrades the database, this one gives way at once and offers a reload.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { test } from './browser-session';

const PER_TAB = 1_000;
const BATCH = 10;

async function openApp(page: Page): Promise<void> {
  await page.goto('/');
  await expect.poll(() => page.evaluate(() => document.querySelector('persona-app')?.persona !== undefined), { timeout: 60_000 }).toBe(true);
}

/** Records PER_TAB events in batches, after `go` resolves in the page; returns each batch's [start, end] wall time. */
function recordAll(page: Page, tab: string, word: string): Promise<[number, number][]> {
  return page.evaluate(
    async ({ tab, word, total, batch }) => {
      const persona = document.querySelector('persona-app')?.persona;
      if (!persona) throw new Error('the app has no engine');
      const spans: [number, number][] = [];
      for (let first = 0; first < total; first += batch) {
        const start = performance.timeOrigin + performance.now();
        await persona.record(Array.from({ length: batch }, (_, i) => ({ id: `${tab}-${first + i}`, kind: 'note' as const, text: `${word} note ${first + i} from tab ${tab}` })));
        spans.push([start, performance.timeOrigin + performance.now()]);
      }
      return spans;
    },
    { tab, word, total: PER_TAB, batch: BATCH },
  );
}

const count = (page: Page) => page.evaluate(async () => (await document.querySelector('persona-app')?.persona?.storage.usage())?.events ?? -1);

/** Ids of the events keyword search finds for `word`, in this tab's engine. */
const found = (page: Page, word: string) =>
  page.evaluate(async (word) => (await document.querySelector('persona-app')?.persona?.retrieve(word, { limit: 5 }))?.hits.map((hit) => hit.id) ?? [], word);

test('two tabs recording 1,000 events each at the same time store 2,000, and each catches up with the other', { timeout: 300_000 }, async ({ session }) => {
  const a = await session.newPage();
  const b = await session.newPage();
  await Promise.all([openApp(a), openApp(b)]);

  const [spansA, spansB] = await Promise.all([recordAll(a, 'a', 'aurora'), recordAll(b, 'b', 'zephyr')]);
  // The writes overlapped: many of one tab's batches ran while the other tab's were running.
  const overlapping = spansA.filter(([start, end]) => spansB.some(([s, e]) => start < e && s < end)).length;
  expect(overlapping).toBeGreaterThan(PER_TAB / BATCH / 4);

  expect(await count(a)).toBe(2 * PER_TAB);
  expect(await count(b)).toBe(2 * PER_TAB);
  const ids = await a.evaluate(async () => {
    const persona = document.querySelector('persona-app')?.persona;
    const all: string[] = [];
    let after: { id: string; ts: number } | undefined;
    for (;;) {
      const page = await persona?.events.list({ limit: 500, ...(after ? { after } : {}) });
      if (!page || page.events.length === 0) return all;
      all.push(...page.events.map((event) => event.id));
      const last = page.events.at(-1);
      after = last ? { id: last.id, ts: last.ts } : undefined;
    }
  });
  expect(ids).toHaveLength(2 * PER_TAB);
  expect(new Set(ids).size).toBe(2 * PER_TAB);

  // Each tab's index has the other's writes: keyword search finds them (polled: indexing follows the change feed).
  await expect.poll(() => found(a, 'zephyr'), { timeout: 60_000 }).toHaveLength(5);
  await expect.poll(() => found(b, 'aurora'), { timeout: 60_000 }).toHaveLength(5);
  expect((await found(a, 'zephyr')).every((id) => id.startsWith('b-'))).toBe(true);
  expect((await found(b, 'aurora')).every((id) => id.startsWith('a-'))).toBe(true);

  // And the profile: a preference set in one tab is in the other's.
  await b.evaluate(() => document.querySelector('persona-app')?.persona?.profile.setPreference('tone', 'brief'));
  await expect.poll(() => a.evaluate(async () => (await document.querySelector('persona-app')?.persona?.profile.get())?.preferences.tone?.value)).toBe('brief');

  session.expectNothingLeftOrigin();
  expect(session.pageErrors).toEqual([]);
  expect(session.consoleErrors).toEqual([]);
});

test('a newer Persona upgrading the database in another tab is not blocked; this tab lets go, says so, and nothing is lost', { timeout: 120_000 }, async ({ session }) => {
  const a = await session.newPage();
  await openApp(a);
  await a.evaluate(() => document.querySelector('persona-app')?.persona?.record(Array.from({ length: 50 }, (_, i) => ({ id: `kept-${i}`, kind: 'note' as const, text: `kept note ${i}` }))));

  // Tab B runs "the next version": it opens the database one version up and migrates (adds a store). Tab A's
  // connections must give way rather than block it.
  const b = await session.newPage();
  await b.goto('/app.css');
  const upgraded = await b.evaluate(async () => {
    const databases = await indexedDB.databases();
    const current = databases.find((database) => database.name === 'persona')?.version ?? 0;
    return new Promise<{ version: number; events: number; blocked: boolean }>((resolve, reject) => {
      let blocked = false;
      const request = indexedDB.open('persona', current + 1);
      request.onblocked = () => { blocked = true; };
      request.onupgradeneeded = () => { request.result.createObjectStore('next-version-store'); };
      request.onerror = () => { reject(request.error ?? new Error('open failed')); };
      request.onsuccess = () => {
        const db = request.result;
        const counting = db.transaction('events').objectStore('events').count();
        counting.onsuccess = () => {
          resolve({ version: db.version, events: counting.result, blocked });
          db.close();
        };
      };
    });
  });
  expect(upgraded.events).toBe(50);
  expect(upgraded.blocked).toBe(false);

  // Tab A says what happened and offers the reload; a call now is refused by name instead of hanging.
  await a.getByRole('button', { name: 'Reload' }).waitFor({ timeout: 30_000 });
  expect(await a.getByText('Persona was updated or its data deleted in another tab').count()).toBe(1);
  const refused = await a.evaluate(async () => {
    try {
      await document.querySelector('persona-app')?.persona?.record({ kind: 'note', text: 'too late' });
      return 'recorded';
    } catch (error) {
      return (error as Error).name;
    }
  });
  expect(refused).toBe('StoreClosedError');
  session.expectNothingLeftOrigin();
  expect(session.pageErrors).toEqual([]);
});
