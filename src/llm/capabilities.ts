// What this device can run, read from the browser: WebGPU (a real adapter or a software fallback, shader-f16, buffer
// limits), cross-origin isolation and cores for llama.cpp threads, memory, storage, and Chrome's built-in model.
// Each probe is guarded: a browser without an API reports it missing instead of failing the whole detection.

import type { DeviceCapabilities, PromptApiAvailability, WebGpuCapability } from '../core/device-capabilities';

export type { DeviceCapabilities, PromptApiAvailability, WebGpuCapability };

interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  isFallbackAdapter?: boolean;
}
interface GpuAdapterLike {
  features: ReadonlySet<string>;
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
  info?: GpuAdapterInfoLike;
  /** Before Chromium 136 the flag lived on the adapter itself. */
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<GpuAdapterLike | null>;
}
interface LanguageModelLike {
  availability(): Promise<string>;
}

export async function detectWebGpu(gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu): Promise<WebGpuCapability> {
  if (!gpu) return { available: false, reason: 'this browser has no WebGPU (navigator.gpu is missing)' };
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { available: false, reason: `the browser refused a WebGPU adapter (${String(error)})` };
  }
  if (!adapter) return { available: false, reason: 'WebGPU is present but no adapter is available (no usable GPU, or WebGPU is disabled)' };
  return {
    available: true,
    fallback: adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
    f16: adapter.features.has('shader-f16'),
    vendor: adapter.info?.vendor ?? '',
    architecture: adapter.info?.architecture ?? '',
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
  };
}

function hasMemory64(): boolean {
  try {
    new WebAssembly.Memory({ address: 'i64', initial: 1n } as unknown as WebAssembly.MemoryDescriptor);
    return true;
  } catch {
    return false;
  }
}

async function promptApiAvailability(): Promise<PromptApiAvailability> {
  const api = (globalThis as { LanguageModel?: LanguageModelLike }).LanguageModel;
  if (!api) return 'unavailable';
  try {
    const state = await api.availability();
    return state === 'available' || state === 'downloadable' || state === 'downloading' ? state : 'unavailable';
  } catch {
    return 'unavailable';
  }
}

async function storageEstimate(): Promise<DeviceCapabilities['storage']> {
  try {
    const { quota, usage } = await navigator.storage.estimate();
    return quota === undefined ? undefined : { quotaBytes: quota, usageBytes: usage ?? 0 };
  } catch {
    return undefined;
  }
}

export async function detectCapabilities(): Promise<DeviceCapabilities> {
  const [webgpu, storage, promptApi] = await Promise.all([detectWebGpu(), storageEstimate(), promptApiAvailability()]);
  const deviceMemory = (navigator as Navigator & { deviceMemory?: number }).deviceMemory;
  return {
    webgpu,
    crossOriginIsolated: globalThis.crossOriginIsolated,
    cores: navigator.hardwareConcurrency || 1,
    ...(deviceMemory === undefined ? {} : { deviceMemoryGiB: deviceMemory }),
    wasmMemory64: hasMemory64(),
    ...(storage ? { storage } : {}),
    promptApi,
  };
}
