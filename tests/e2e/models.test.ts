// The Models view as a person uses it: the curated models with their download size and whether (and how) each runs
// on this device, and a model file loaded from an address, with its download progress, a cancel, and the loaded
// model shown. Catalogue downloads need the model hub, which tests cannot reach: the URL form exercises the same
// progress and loading path with the shared test model served by the app's own origin.
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { seriousAxeFindings } from './axe-audit';
import { BrowserSession, test } from './browser-session';

/** Polls until the page shows what is expected; the bound only keeps a slow machine from failing a correct app. */
const eventually = <T>(read: () => Promise<T>, timeout = 30_000) => expect.poll(read, { timeout, interval: 100 });

async function openModels(session: BrowserSession): Promise<Page> {
  const page = await session.newPage();
  await page.goto('/#models');
  await page.getByRole('heading', { name: 'Models', exact: true }).waitFor();
  return page;
}

const entries = (page: Page) => page.locator('persona-model-entry article');
const urlForm = (page: Page) => page.locator('persona-model-url-form');
const alerts = (page: Page) => page.locator('[role="alert"]').allTextContents();


describe('the Models view', () => {
  test('lists the catalogue with each model’s download size and fit on this device', async ({ session }) => {
    const page = await openModels(session);
    await eventually(() => entries(page).count()).toBeGreaterThanOrEqual(5);
    const qwen = entries(page).filter({ has: page.getByRole('heading', { name: 'Qwen2.5 0.5B Instruct' }) });
    expect(await qwen.locator('.size').textContent()).toMatch(/^Download: about \d+(\.\d)? MB$/);
    // The test browser's only WebGPU adapter is a software fallback: llama.cpp on the CPU, and the reason says why.
    expect(await qwen.locator('.fit').innerText()).toMatch(/^Runs here with llama\.cpp on the CPU \(wllama\): .*software fallback/);
    expect(await qwen.locator('.on-device').textContent()).toBe('Nothing of it is on this device yet.');
    for (const size of await entries(page).locator('.size').allTextContents()) expect(size).toMatch(/^Download: about \d+(\.\d)? (MB|GB)$/);
    expect(await entries(page).locator('.fit').count()).toBe(await entries(page).count());
    expect(await page.getByRole('button', { name: 'Download Qwen2.5 0.5B Instruct', exact: true }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Load Qwen2.5 0.5B Instruct', exact: true }).count()).toBe(1);

    // The device summary, the loaded model and storage say where things stand.
    expect(await page.locator('#backend-choice').innerText()).toContain('llama.cpp on the CPU (wllama)');
    expect(await page.locator('#loaded-model').textContent()).toMatch(/^No model is loaded/);
    await eventually(() => page.locator('#model-storage').textContent()).toMatch(/Model files take 0 B \(0 catalogue models on this device\)/);

    expect(await seriousAxeFindings(page, 'light')).toEqual([]);
    expect(await seriousAxeFindings(page, 'dark')).toEqual([]);
    // A phone's width: everything wraps, nothing scrolls sideways.
    await page.setViewportSize({ width: 360, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect((await alerts(page)).join('')).toBe('');
    session.expectCleanRun();
  });

  test('loads a model file from an address with download progress, can cancel, and shows the loaded model', async ({ session }) => {
    const page = await openModels(session);
    const address = page.getByLabel('Model file address (GGUF)');
    await page.getByLabel('Context window (tokens)').fill('512');

    // A slow server (the test server's rate= parameter) keeps the download going long enough to watch and cancel.
    await address.fill('/test-models/stories260K.gguf?rate=100000');
    await page.getByRole('button', { name: 'Load model file' }).click();
    const progressLine = urlForm(page).locator('persona-transfer-bar p');
    await eventually(() => progressLine.textContent()).toMatch(/^Loading stories260K: [\d.]+ (B|kB|MB) of 1\.2 MB \(\d+%\)/);
    expect(await urlForm(page).getByRole('progressbar', { name: 'Loading stories260K' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Cancel loading' }).click();
    await eventually(() => urlForm(page).locator('[role="status"]').textContent()).toBe('Loading cancelled.');
    expect(await page.locator('#loaded-model').textContent()).toMatch(/^No model is loaded/);

    // Loaded for real, it is the model that answers now.
    await address.fill('/test-models/stories260K.gguf');
    await page.getByRole('button', { name: 'Load model file' }).click();
    await eventually(() => urlForm(page).locator('[role="status"]').textContent(), 120_000).toBe('stories260K is loaded and answers in Chat.');
    await eventually(() => page.locator('#loaded-model').textContent()).toBe('stories260K, with llama.cpp on the CPU (wllama)');
    const status = await page.evaluate(async () => document.querySelector('persona-app')?.persona?.status());
    expect(status).toMatchObject({ model: 'stories260K', backend: 'wllama' });

    // An address that is no model file is refused before anything is fetched.
    await address.fill('/test-models/README.md');
    await page.getByRole('button', { name: 'Load model file' }).click();
    await eventually(() => alerts(page)).toContain(`${new URL('/test-models/README.md', session.baseURL).href} does not name a .gguf file: llama.cpp loads GGUF model files only.`);
    session.expectCleanRun();
  });
});
