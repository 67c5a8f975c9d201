// The backend choice on the devices Persona meets: a real GPU with and without shader-f16, a software adapter, no
// WebGPU at all, small memory, a user's override that can or cannot run, and a model with one runtime's build only.
import { describe, expect, test } from 'vitest';
import { chooseBackend, type ModelNeeds } from '../../../src/core/backend-choice';
import type { DeviceCapabilities, WebGpuCapability } from '../../../src/core/device-capabilities';

const GiB = 2 ** 30;
const realGpu: WebGpuCapability = { available: true, fallback: false, f16: true, vendor: 'nvidia', architecture: 'ampere', maxBufferSize: 4 * GiB, maxStorageBufferBindingSize: 2 * GiB };
const swiftShader: WebGpuCapability = { available: true, fallback: true, f16: false, vendor: 'google', architecture: 'swiftshader', maxBufferSize: GiB, maxStorageBufferBindingSize: GiB - 1 };
const device = (webgpu: WebGpuCapability, more: Partial<DeviceCapabilities> = {}): DeviceCapabilities => ({
  webgpu,
  crossOriginIsolated: true,
  cores: 8,
  wasmMemory64: true,
  promptApi: 'unavailable',
  ...more,
});
const qwen: ModelNeeds = { id: 'qwen2.5-0.5b-instruct', mlc: { f16: { vramMiB: 945 }, f32: { vramMiB: 1060 } }, gguf: { bytes: 400e6 } };

describe('chooseBackend', () => {
  test('a real adapter with shader-f16 runs the f16 build on web-llm', () => {
    const choice = chooseBackend(device(realGpu), qwen);
    expect(choice).toMatchObject({ backend: 'web-llm', build: 'f16' });
    expect(choice.reason).toContain('WebGPU on nvidia');
  });

  test('a real adapter without shader-f16 takes the f32 build, or refuses web-llm when there is none', () => {
    expect(chooseBackend(device({ ...realGpu, f16: false }), qwen)).toMatchObject({ backend: 'web-llm', build: 'f32' });
    const f16Only: ModelNeeds = { ...qwen, mlc: { f16: { vramMiB: 945 } } };
    const choice = chooseBackend(device({ ...realGpu, f16: false }), f16Only);
    expect(choice.backend).toBe('wllama');
    expect(choice.reason).toContain('needs shader-f16');
  });

  test('a software fallback adapter (SwiftShader) goes to wllama and says why', () => {
    const choice = chooseBackend(device(swiftShader), qwen);
    expect(choice.backend).toBe('wllama');
    expect(choice.reason).toMatch(/software fallback \(swiftshader\)/);
    expect(choice.options.find((o) => o.backend === 'web-llm')).toMatchObject({ usable: false });
  });

  test('no WebGPU at all goes to wllama with the detector\'s reason', () => {
    const choice = chooseBackend(device({ available: false, reason: 'this browser has no WebGPU (navigator.gpu is missing)' }), qwen);
    expect(choice.backend).toBe('wllama');
    expect(choice.reason).toContain('navigator.gpu is missing');
  });

  test('threads follow cross-origin isolation', () => {
    expect(chooseBackend(device(swiftShader, { cores: 4 }), qwen).reason).toContain('3 threads');
    // Two cores: both (one would leave half the CPU idle while a worker generates).
    expect(chooseBackend(device(swiftShader, { cores: 2 }), qwen).reason).toContain('2 threads');
    expect(chooseBackend(device(swiftShader, { crossOriginIsolated: false }), qwen).reason).toContain('one thread (the page is not cross-origin isolated)');
  });

  test('a model that does not fit the device memory is refused on both, with sizes in the reason', () => {
    const big: ModelNeeds = { id: 'phi-3.5-mini', mlc: { f16: { vramMiB: 3672 } }, gguf: { bytes: 2.4 * GiB } };
    const choice = chooseBackend(device(realGpu, { deviceMemoryGiB: 4 }), big);
    expect(choice.backend).toBeUndefined();
    expect(choice.reason).toContain('3672 MiB');
    expect(choice.reason).toContain('2.4 GiB');
  });

  test('at the browser cap of 8 GiB, device memory says nothing and does not refuse', () => {
    const big: ModelNeeds = { id: 'phi-3.5-mini', mlc: { f16: { vramMiB: 3672 } } };
    expect(chooseBackend(device(realGpu, { deviceMemoryGiB: 8 }), big).backend).toBe('web-llm');
  });

  test('a GGUF over 3 GiB needs wasm memory64', () => {
    const large: ModelNeeds = { id: 'large', gguf: { bytes: 3.5 * GiB } };
    expect(chooseBackend(device(swiftShader, { wasmMemory64: false }), large).reason).toContain('32-bit WebAssembly');
    expect(chooseBackend(device(swiftShader), large).backend).toBe('wllama');
  });

  test('a GPU whose storage-buffer limit is below the build\'s need is refused', () => {
    const choice = chooseBackend(device({ ...realGpu, maxStorageBufferBindingSize: 128 * 2 ** 20 }), qwen);
    expect(choice.backend).toBe('wllama');
    expect(choice.reason).toContain('128 MiB at most');
  });

  test('the user\'s choice wins where it can run, and is explained where it cannot', () => {
    expect(chooseBackend(device(realGpu), qwen, 'wllama')).toMatchObject({ backend: 'wllama', reason: expect.stringMatching(/^Your choice/) as unknown });
    const refused = chooseBackend(device(swiftShader), qwen, 'web-llm');
    expect(refused.backend).toBe('wllama');
    expect(refused.reason).toMatch(/^You chose web-llm, but the only WebGPU adapter is a software fallback/);
  });

  test("Chrome's built-in model is offered, chosen on request, and the last resort", () => {
    const withPrompt = device({ available: false, reason: 'no adapter' }, { promptApi: 'available' });
    expect(chooseBackend(withPrompt, qwen).backend).toBe('wllama');
    expect(chooseBackend(withPrompt, qwen, 'prompt-api').backend).toBe('prompt-api');
    expect(chooseBackend(withPrompt, { id: 'mlc-only', mlc: { f16: { vramMiB: 900 } } }).backend).toBe('prompt-api');
  });
});
