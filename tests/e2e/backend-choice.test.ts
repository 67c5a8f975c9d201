// The Models view tells the user which runtime would answer and why, from what the browser really offers: with the test
// flags (SwiftShader, a software fallback adapter) and in a Chromium launched without --enable-unsafe-webgpu (no
// adapter at all). Both choose llama.cpp on the CPU, each for its own stated reason.
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { CHROMIUM_ARGS, findChromium } from '../../scripts/chromium.ts';
import { BrowserSession, test } from './browser-session';

async function backendChoice(session: BrowserSession): Promise<{ choice: string; reason: string; webgpu: string }> {
  const page = await session.newPage();
  await page.goto('/#models');
  const status = page.locator('#backend-choice');
  await status.waitFor();
  return {
    choice: await status.innerText(),
    reason: await page.locator('#backend-reason').innerText(),
    webgpu: await page.locator('#webgpu-state').innerText(),
  };
}

test('with the software fallback adapter, the app chooses llama.cpp and names the fallback', async ({ session }) => {
  const { choice, reason, webgpu } = await backendChoice(session);
  expect(choice).toContain('llama.cpp on the CPU (wllama)');
  expect(reason).toContain('software fallback (swiftshader)');
  expect(webgpu).toMatch(/^software fallback .*shader-f16 no/);
  session.expectNothingLeftOrigin();
});

let noWebGpu: Browser;
beforeAll(async () => {
  noWebGpu = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS.filter((arg) => arg !== '--enable-unsafe-webgpu') });
});
afterAll(async () => {
  await noWebGpu.close();
});

test('without WebGPU (no --enable-unsafe-webgpu), the app chooses llama.cpp and says there is no adapter', async () => {
  const session = await BrowserSession.open(noWebGpu, inject('baseURL'));
  try {
    const { choice, reason, webgpu } = await backendChoice(session);
    expect(choice).toContain('llama.cpp on the CPU (wllama)');
    expect(reason).toMatch(/because web-llm cannot run here: .*(no adapter|no WebGPU)/);
    expect(webgpu).toMatch(/^none: /);
    session.expectNothingLeftOrigin();
  } finally {
    await session.close();
  }
});
