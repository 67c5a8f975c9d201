// Capability detection in the test Chromium, launched with --enable-unsafe-webgpu: the only adapter is
// SwiftShader, a software fallback without shader-f16, so the default choice is llama.cpp on the CPU, and the
// reason says so. (Without the flag there is no adapter at all: tests/e2e/backend-choice.test.ts.)
import { expect, test } from 'vitest';
import { chooseBackend } from '../../../src/core/backend-choice';
import { detectCapabilities } from '../../../src/llm/capabilities';
import { findModel, needsOf } from '../../../src/llm/model-catalogue';

test('SwiftShader is detected as a fallback adapter without shader-f16; the page is isolated and has memory64', async () => {
  const caps = await detectCapabilities();
  expect(caps.webgpu).toMatchObject({ available: true, fallback: true, f16: false, architecture: 'swiftshader' });
  expect(caps.crossOriginIsolated).toBe(true);
  expect(caps.cores).toBeGreaterThan(0);
  expect(caps.wasmMemory64).toBe(true);
  expect(caps.storage?.quotaBytes).toBeGreaterThan(0);
  expect(caps.promptApi).toBe('unavailable');
});

test('on SwiftShader every catalogue model goes to wllama, and the reason names the software fallback', async () => {
  const caps = await detectCapabilities();
  const model = findModel('qwen2.5-0.5b-instruct');
  if (!model) throw new Error('the catalogue lost its default model');
  const choice = chooseBackend(caps, needsOf(model));
  expect(choice.backend).toBe('wllama');
  expect(choice.reason).toContain('software fallback (swiftshader)');
  expect(choice.options.find((o) => o.backend === 'web-llm')?.usable).toBe(false);
  // Asked for web-llm anyway, the choice explains why it cannot.
  expect(chooseBackend(caps, needsOf(model), 'web-llm').reason).toMatch(/^You chose web-llm, but the only WebGPU adapter is a software fallback/);
});
