// Which runtime answers on this device, and why, in words a user can read. The default takes web-llm only on a
// real (non-fallback) WebGPU adapter that has a build of the model it can run and room for it; otherwise llama.cpp
// on the CPU (wllama); Chrome's built-in model when it is the only way. A user's choice wins where it can run.
import type { DeviceCapabilities } from './device-capabilities';

export type BackendKind = 'wllama' | 'web-llm' | 'prompt-api';

/** What a model needs from each runtime (from its catalogue entry). */
export interface ModelNeeds {
  id: string;
  /** web-llm builds: q4f16 needs shader-f16; q4f32 runs without it. */
  mlc?: { f16?: MlcNeeds; f32?: MlcNeeds };
  /** The GGUF for llama.cpp. */
  gguf?: { bytes: number };
}

export interface MlcNeeds {
  /** GPU memory, MiB (web-llm's vram_required_MB). */
  vramMiB: number;
  /** Largest storage buffer the build binds, MiB (web-llm's low_resource_required builds need 128). */
  maxStorageBufferBindingMiB?: number;
}

export interface BackendOption {
  backend: BackendKind;
  usable: boolean;
  /** Why it can or cannot run this model here. */
  reason: string;
  /** The web-llm build it would load. */
  build?: 'f16' | 'f32';
}

export interface BackendChoice {
  /** Undefined when nothing on this device can run the model. */
  backend: BackendKind | undefined;
  reason: string;
  build?: 'f16' | 'f32';
  options: BackendOption[];
}

const MiB = 2 ** 20;
const GiB = 2 ** 30;
/** Browsers cap navigator.deviceMemory at 8: below that it says something; at 8 it only says "8 or more". */
const DEVICE_MEMORY_CAP_GIB = 8;
/** A wasm32 llama.cpp addresses 4 GiB in all, for weights, KV cache and scratch. */
const WASM32_MODEL_LIMIT = 3 * GiB;

/**
 * Threads llama.cpp runs on: more than one needs a cross-origin isolated page. On two cores both are used (the
 * second thread made decoding 1.44x faster in bench:llm; the page itself is mostly idle while a worker generates);
 * with more cores one is left for the page.
 */
export function llamaThreads(cores: number, crossOriginIsolated: boolean): number {
  if (!crossOriginIsolated) return 1;
  return Math.max(1, cores <= 2 ? cores : cores - 1);
}

function gib(bytes: number): string {
  return `${(bytes / GiB).toFixed(1)} GiB`;
}

function knownMemory(caps: DeviceCapabilities): number | undefined {
  const memory = caps.deviceMemoryGiB;
  return memory !== undefined && memory < DEVICE_MEMORY_CAP_GIB ? memory * GiB : undefined;
}

function webLlmOption(caps: DeviceCapabilities, needs: ModelNeeds): BackendOption {
  const backend = 'web-llm';
  const gpu = caps.webgpu;
  if (!gpu.available) return { backend, usable: false, reason: gpu.reason };
  if (gpu.fallback) {
    const name = gpu.architecture || gpu.vendor || 'software';
    return { backend, usable: false, reason: `the only WebGPU adapter is a software fallback (${name}): far too slow for a language model` };
  }
  if (!needs.mlc?.f16 && !needs.mlc?.f32) return { backend, usable: false, reason: `${needs.id} has no web-llm build` };
  const build = gpu.f16 && needs.mlc.f16 ? 'f16' : needs.mlc.f32 ? 'f32' : undefined;
  if (!build) return { backend, usable: false, reason: `the web-llm build of ${needs.id} needs shader-f16, which this GPU does not offer` };
  const wanted = needs.mlc[build] as MlcNeeds;
  const binding = (wanted.maxStorageBufferBindingMiB ?? 1024) * MiB;
  // Browsers report 1 GiB - 1 byte style limits; compare with a little slack.
  if (gpu.maxStorageBufferBindingSize < binding - MiB) {
    return { backend, usable: false, build, reason: `the GPU binds buffers of ${Math.round(gpu.maxStorageBufferBindingSize / MiB)} MiB at most; ${needs.id} needs ${Math.round(binding / MiB)} MiB` };
  }
  const memory = knownMemory(caps);
  if (memory !== undefined && wanted.vramMiB * MiB > memory * 0.6) {
    return { backend, usable: false, build, reason: `${needs.id} needs about ${wanted.vramMiB} MiB of GPU memory; this device has ${gib(memory)} in all` };
  }
  return { backend, usable: true, build, reason: `WebGPU on ${gpu.vendor || 'this GPU'} with the ${build} build (about ${wanted.vramMiB} MiB of GPU memory)` };
}

function wllamaOption(caps: DeviceCapabilities, needs: ModelNeeds): BackendOption {
  const backend = 'wllama';
  if (!needs.gguf) return { backend, usable: false, reason: `${needs.id} has no GGUF build for llama.cpp` };
  const bytes = needs.gguf.bytes;
  if (bytes > WASM32_MODEL_LIMIT && !caps.wasmMemory64) {
    return { backend, usable: false, reason: `${needs.id} (${gib(bytes)}) is too large for this browser's 32-bit WebAssembly` };
  }
  const memory = knownMemory(caps);
  if (memory !== undefined && bytes * 1.3 > memory * 0.6) {
    return { backend, usable: false, reason: `${needs.id} (${gib(bytes)}) needs more memory than this device's ${gib(memory)} can spare` };
  }
  const threads = llamaThreads(caps.cores, caps.crossOriginIsolated);
  const how = caps.crossOriginIsolated ? `${threads} thread${threads === 1 ? '' : 's'}` : 'one thread (the page is not cross-origin isolated)';
  return { backend, usable: true, reason: `llama.cpp on the CPU (WebAssembly), ${how}` };
}

function promptApiOption(caps: DeviceCapabilities): BackendOption {
  const backend = 'prompt-api';
  if (caps.promptApi === 'unavailable') return { backend, usable: false, reason: "this browser has no built-in model (Chrome's Prompt API)" };
  const state = caps.promptApi === 'available' ? 'ready' : 'offered by the browser, downloaded on first use';
  return { backend, usable: true, reason: `the browser's built-in model (${state}); Persona's model choice does not apply to it` };
}

export function chooseBackend(caps: DeviceCapabilities, needs: ModelNeeds, preferred?: BackendKind): BackendChoice {
  const options = [webLlmOption(caps, needs), wllamaOption(caps, needs), promptApiOption(caps)];
  const pick = (option: BackendOption, reason: string): BackendChoice => ({
    backend: option.backend,
    reason,
    ...(option.build ? { build: option.build } : {}),
    options,
  });
  const wanted = options.find((o) => o.backend === preferred);
  if (wanted?.usable) return pick(wanted, `Your choice: ${wanted.reason}.`);
  const [webLlm, wllama, promptApi] = options as [BackendOption, BackendOption, BackendOption];
  const refusal = wanted ? `You chose ${wanted.backend}, but ${wanted.reason}. ` : '';
  if (webLlm.usable) return pick(webLlm, `${refusal}${webLlm.reason}.`);
  if (wllama.usable) return pick(wllama, `${refusal}${wllama.reason}, because web-llm cannot run here: ${webLlm.reason}.`);
  if (promptApi.usable) return pick(promptApi, `${refusal}${promptApi.reason}: neither web-llm (${webLlm.reason}) nor llama.cpp (${wllama.reason}) can run ${needs.id}.`);
  return { backend: undefined, reason: `${refusal}Nothing on this device can run ${needs.id}: ${webLlm.reason}; ${wllama.reason}.`, options };
}
