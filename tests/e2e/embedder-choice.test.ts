// Choosing the search model in the built app's Models view: a model from a host this site allows (here the test
// server's self-hosted mirror on the app's own origin, in the hub's layout) replaces the bundled one once the app has
// reopened the engine, and the history is embedded again with it; "Use the bundled model" goes back. Every request
// stays on the origin, and the page logs no error.
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import type { HistoryEventInput, Persona } from '../../src/index';
import { HUB_MIRROR_MODEL, TEST_HUB_PATH } from '../support/test-hub';
import { test } from './browser-session';

const eventually = <T>(read: () => Promise<T>, timeout = 60_000) => expect.poll(read, { timeout, interval: 100 });

async function record(page: Page, events: readonly HistoryEventInput[]): Promise<void> {
  await page.evaluate(async (batch) => {
    const app = document.querySelector('persona-app') as unknown as { persona: Persona };
    await app.persona.record(batch as HistoryEventInput[]);
  }, events as readonly unknown[]);
}

describe('the search model', () => {
  test('a model from an allowed host replaces the bundled one after the engine reopens; the bundled one comes back', async ({ session }) => {
    const page = await session.newPage();
    await page.goto('/#models');
    const state = page.locator('#embedder-state');
    const kind = page.locator('#embedder-kind');
    await eventually(() => state.textContent()).toMatch(/^Ready/);
    await record(page, Array.from({ length: 12 }, (_, i) => ({ kind: 'note' as const, text: `note ${i} about the garden` })));
    await eventually(() => state.textContent()).toBe('Ready: 12 events understood.');

    await page.getByLabel('Model id').fill(HUB_MIRROR_MODEL);
    await page.getByLabel('Model host').fill(new URL(TEST_HUB_PATH, session.origin).href);
    await page.getByRole('button', { name: 'Use this model' }).click();
    await eventually(() => kind.textContent()).toMatch(new RegExp(`^${HUB_MIRROR_MODEL} is a hub model`));
    await eventually(() => state.textContent()).toBe('Ready: 12 events understood.');
    expect(await page.getByText(`Chosen: ${HUB_MIRROR_MODEL}`).count()).toBe(1);

    await page.getByRole('button', { name: 'Use the bundled model' }).click();
    await eventually(() => kind.textContent()).toMatch(/^persona-glove-100d is the bundled offline default/);
    await eventually(() => state.textContent()).toBe('Ready: 12 events understood.');
    session.expectCleanRun();
  });
});
