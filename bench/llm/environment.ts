// What decides wllama's speed in this browser context: isolation (for threads), wasm SIMD and shared memory.
import type { PageEnvironment } from './protocol';

// The smallest modules that use a SIMD instruction (i8x16.popcnt) and a shared memory; validate() is false where
// the feature is missing.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);
const THREADS_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 5, 4, 1, 3, 1, 1]);

export function probeEnvironment(): PageEnvironment {
  return {
    crossOriginIsolated: globalThis.crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    wasmSimd: WebAssembly.validate(SIMD_PROBE),
    wasmThreads: typeof SharedArrayBuffer === 'function' && WebAssembly.validate(THREADS_PROBE),
    userAgent: navigator.userAgent,
  };
}
