// Search by meaning in the built app's History view, under its production Content-Security-Policy: the bundled model
// loads in its worker from the app's origin, embeds the notes in the background, and finds a note that shares no
// word with the query. Nothing leaves the origin.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { test } from './browser-session';

const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 60_000, interval: 100 });
const status = (page: Page) => page.locator('#embedder-status').textContent();

test('notes are understood on the device and found by meaning', async ({ session }) => {
  const page = await session.newPage();
  await page.goto('/#history');
  const noteBox = page.getByRole('textbox', { name: 'New note' });
  await noteBox.waitFor();
  for (const note of ['Cooked spaghetti with tomato sauce and basil', 'Hiked up the mountain trail at sunrise', 'Read about interest rates and the stock market']) {
    await noteBox.fill(note);
    await page.getByRole('button', { name: 'Save note' }).click();
    await eventually(() => noteBox.inputValue()).toBe('');
  }
  await eventually(() => status(page)).toMatch(/Offline model ready \(persona-glove-100d:q8\): 3 events understood\. Nothing leaves this device\./);

  await page.getByRole('searchbox', { name: 'Search your history' }).fill('Italian dinner');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const results = page.getByRole('list', { name: 'Search results' }).locator('li');
  await eventually(() => results.first().locator('.text').textContent()).toBe('Cooked spaghetti with tomato sauce and basil');
  expect(await results.first().locator('.why').textContent()).toMatch(/similar in meaning/);

  // A keyword the model does not know is still found, by the keyword index.
  await page.getByRole('searchbox', { name: 'Search your history' }).fill('basil');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await eventually(() => results.first().locator('.why').textContent()).toMatch(/matches “basil”/);

  // After a reload the index loads while the model loads (the history is already embedded): same answers.
  await page.reload();
  await eventually(() => status(page)).toMatch(/Offline model ready \(persona-glove-100d:q8\): 3 events understood/);
  await page.getByRole('searchbox', { name: 'Search your history' }).fill('Italian dinner');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await eventually(() => results.first().locator('.text').textContent()).toBe('Cooked spaghetti with tomato sauce and basil');

  session.expectNothingLeftOrigin();
  expect(session.requests.some((request) => request.url.includes('/models/persona-glove-100d/'))).toBe(true);
  expect(session.pageErrors).toEqual([]);
  expect(session.consoleErrors).toEqual([]);
});
