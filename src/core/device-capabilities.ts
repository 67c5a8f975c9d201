// What a device can run, as detected in the browser (src/llm/capabilities.ts) and judged by the backend choice
// (backend-choice.ts). Plain data, so the choice is pure and testable anywhere.

export type WebGpuCapability =
  | { available: false; reason: string }
  | {
      available: true;
      /** A software adapter (SwiftShader, WARP…): correct but far too slow for an LLM. */
      fallback: boolean;
      /** The shader-f16 feature q4f16 builds need. */
      f16: boolean;
      vendor: string;
      architecture: string;
      maxBufferSize: number;
      maxStorageBufferBindingSize: number;
    };

export type PromptApiAvailability = 'unavailable' | 'downloadable' | 'downloading' | 'available';

export interface DeviceCapabilities {
  webgpu: WebGpuCapability;
  /** SharedArrayBuffer and WASM threads work (the page is served with COOP/COEP). */
  crossOriginIsolated: boolean;
  cores: number;
  /** navigator.deviceMemory (Chromium only, rounded down and capped at 8 GiB by the browser); undefined elsewhere. */
  deviceMemoryGiB?: number;
  /** WebAssembly memory64: llama.cpp can address more than 4 GiB. */
  wasmMemory64: boolean;
  storage?: { quotaBytes: number; usageBytes: number };
  /** Chrome's built-in Prompt API (LanguageModel). */
  promptApi: PromptApiAvailability;
}
