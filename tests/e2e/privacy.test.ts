// The Data & privacy view as a person uses it: export, delete everything, and import the file back to the same
// data; a protected export that needs its passphrase; pausing learning and opting out of a source. Nothing may
// leave the origin, and the page logs no errors.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { seriousAxeFindings } from './axe-audit';
import { BrowserSession, test } from './browser-session';

/** Polls until the page shows what is expected; the bound only keeps a slow machine from failing a correct app. */
const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 30_000, interval: 100 });

async function openPrivacy(session: BrowserSession): Promise<Page> {
  const page = await session.newPage();
  await page.goto('/#data');
  await page.getByRole('heading', { name: 'Data & privacy' }).waitFor();
  await engineReady(page);
  return page;
}

/** Waits until <persona-app> has an open engine (again, after a wipe). */
async function engineReady(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector('persona-app')?.persona !== undefined, undefined, { timeout: 60_000 });
}

/** What the user's data is, as the public API reads it, in a form that compares across an export and import. */
async function snapshot(page: Page) {
  return page.evaluate(async () => {
    const persona = document.querySelector('persona-app')?.persona;
    if (!persona) throw new Error('the engine is not open');
    const { events } = await persona.events.list({ limit: 1000, order: 'asc' });
    const memories = await persona.memories.list();
    const profile = await persona.profile.get();
    return {
      events: events.map(({ id, kind, text, ts, recordedAt, source, value }) => ({ id, kind, text, ts, recordedAt, source, value })).sort((a, b) => a.id.localeCompare(b.id)),
      memories: memories.map(({ id, text, pinned, sourceEventIds, history }) => ({ id, text, pinned, sourceEventIds, history })).sort((a, b) => a.id.localeCompare(b.id)),
      preferences: profile.preferences,
    };
  });
}

async function recordSample(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const persona = document.querySelector('persona-app')?.persona;
    if (!persona) throw new Error('the engine is not open');
    const [note] = await persona.record([
      { kind: 'note', text: 'Prefers oat milk in coffee' },
      { kind: 'view', text: 'Ramen guide', source: 'widget:food.example' },
      { kind: 'rating', text: 'Arrival', itemId: 'film-1', rating: 5 },
    ]);
    await persona.memories.add({ text: 'Drinks coffee with oat milk', sourceEventIds: note ? [note.id] : [], pinned: true });
    await persona.profile.setPreference('language', 'English');
  });
}

const eventCount = (page: Page) => page.evaluate(async () => (await document.querySelector('persona-app')?.persona?.events.list({ limit: 1000 }))?.events.length);

async function exportThroughUi(page: Page, passphrase?: string): Promise<string> {
  if (passphrase !== undefined) {
    await page.getByLabel('Protect the file with a passphrase').check();
    await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
    await page.getByLabel('Passphrase again').fill(passphrase);
  }
  const downloading = page.waitForEvent('download', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(passphrase === undefined ? /^persona-export-\d{4}-\d{2}-\d{2}\.ndjson$/ : /^persona-export-\d{4}-\d{2}-\d{2}\.encrypted\.ndjson$/);
  // Kept under the name the browser was given, as a person's downloads folder would.
  const path = join(mkdtempSync(join(tmpdir(), 'persona-export-')), download.suggestedFilename());
  await download.saveAs(path);
  await eventually(() => page.getByText(/^Exported .* as persona-export-/).count()).toBe(1);
  return path;
}

async function previewThroughUi(page: Page, file: string, passphrase = ''): Promise<void> {
  await page.getByLabel('Export file').setInputFiles(file);
  await page.getByLabel('Passphrase (only for a protected file)').fill(passphrase);
  await page.getByRole('button', { name: 'Preview import' }).click();
}

/** The preview table's rows: kind → [added, updated, already here]. */
async function previewRows(page: Page): Promise<Record<string, number[]>> {
  const rows = await page.locator('#import-preview tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [tr.querySelector('th')?.textContent ?? '', [...tr.querySelectorAll('td')].map((td) => Number(td.textContent))] as const),
  );
  return Object.fromEntries(rows);
}

const alerts = (page: Page) => page.locator('[role="alert"]').allTextContents();


describe('the Data & privacy view', () => {
  test('export, delete everything, and import the file back restores the same data', async ({ session }) => {
    const page = await openPrivacy(session);
    await recordSample(page);
    const before = await snapshot(page);
    expect(before.events).toHaveLength(3);
    expect(before.memories).toHaveLength(1);
    await eventually(() => page.locator('#usage').textContent()).toMatch(/Your history: 3 events/);

    // Accessible in both themes, with real data on screen.
    expect(await seriousAxeFindings(page, 'light')).toEqual([]);
    expect(await seriousAxeFindings(page, 'dark')).toEqual([]);
    // A phone's width: everything wraps, nothing scrolls sideways.
    await page.setViewportSize({ width: 360, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

    const file = await exportThroughUi(page);

    // The wipe button waits for the typed words.
    const wipeButton = page.getByRole('button', { name: 'Delete everything', exact: true });
    expect(await wipeButton.isDisabled()).toBe(true);
    await page.getByLabel('Type “delete everything” to confirm').fill('delete everything');
    await wipeButton.click();
    // The app opens a fresh engine on the empty store, and the view shows it.
    await eventually(async () => {
      await engineReady(page);
      return eventCount(page);
    }).toBe(0);
    await eventually(() => page.locator('#usage').textContent()).toMatch(/Your history: 0 events/);

    // The preview says what the file would add, and changes nothing until confirmed.
    await previewThroughUi(page, file);
    await eventually(() => previewRows(page)).toMatchObject({ Events: [3, 0, 0], Memories: [1, 0, 0] });
    expect(await eventCount(page)).toBe(0);
    await page.getByRole('button', { name: 'Import now' }).click();
    // The outcome (or the failure) shows where the import was started.
    const outcome = async () => [await page.locator('persona-import-panel [role="status"]').textContent(), ...(await alerts(page))].join('').trim();
    await eventually(outcome).toMatch(/^Imported persona-export-\d{4}-\d{2}-\d{2}\.ndjson: 3 events, 1 memory, 1 profile added\.$/);

    expect(await snapshot(page)).toEqual(before);
    expect((await alerts(page)).join('')).toBe('');
    session.expectCleanRun();
  });

  test('a protected export needs its passphrase: a wrong one is named and changes nothing', async ({ session }) => {
    const page = await openPrivacy(session);
    await recordSample(page);
    const before = await snapshot(page);
    const file = await exportThroughUi(page, 'correct horse battery');

    await previewThroughUi(page, file);
    await eventually(() => alerts(page)).toContain(
      'PassphraseRequiredError: This export is encrypted: give the passphrase it was exported with to import it. Nothing was changed.',
    );
    await previewThroughUi(page, file, 'wrong horse');
    await eventually(() => alerts(page)).toContain('WrongPassphraseError: Wrong passphrase: this export could not be decrypted. Nothing was changed.');
    expect(await page.locator('#import-preview').count()).toBe(0);
    expect(await snapshot(page)).toEqual(before);

    // The right passphrase previews it: everything in it is here already.
    await previewThroughUi(page, file, 'correct horse battery');
    await eventually(() => previewRows(page)).toMatchObject({ Events: [0, 0, 3] });
    expect((await alerts(page)).join('')).toBe('');
    session.expectCleanRun();
  });

  test('pausing learning stops recording, and a source opted out of records nothing', async ({ session }) => {
    const page = await openPrivacy(session);
    await recordSample(page);
    const record = (source?: string) =>
      page.evaluate(async (from) => {
        const persona = document.querySelector('persona-app')?.persona;
        if (!persona) throw new Error('the engine is not open');
        return (await persona.record({ kind: 'note', text: 'recorded while testing', ...(from ? { source: from } : {}) })).length;
      }, source);

    await page.getByRole('button', { name: 'Pause learning' }).click();
    await eventually(() => page.locator('#learning-state').textContent()).toMatch(/Learning is paused/);
    expect(await page.evaluate(async () => (await document.querySelector('persona-app')?.persona?.status())?.paused)).toBe(true);
    expect(await record()).toBe(0);
    expect(await eventCount(page)).toBe(3);

    await page.getByRole('button', { name: 'Resume learning' }).click();
    await eventually(() => page.locator('#learning-state').textContent()).toMatch(/Learning is on/);
    expect(await record()).toBe(1);
    expect(await eventCount(page)).toBe(4);

    // The sources seen in the history are listed; stopping one (deleting what it recorded) keeps it out.
    const stopButtons = async () => (await page.getByRole('button', { name: /^Stop learning from / }).allTextContents()).map((text) => text.trim());
    await eventually(stopButtons).toEqual(['Stop learning from app', 'Stop learning from widget:food.example']);
    await page.getByLabel('When I stop a source, also delete what it recorded').check();
    await page.getByRole('button', { name: 'Stop learning from widget:food.example' }).click();
    await eventually(() => page.getByRole('button', { name: 'Learn from widget:food.example again' }).count()).toBe(1);
    expect(await eventCount(page)).toBe(3);
    expect(await record('widget:food.example')).toBe(0);
    expect(await record()).toBe(1);
    expect((await alerts(page)).join('')).toBe('');
    session.expectCleanRun();
  });
});
