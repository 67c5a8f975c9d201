// llama.cpp (wllama) with every file from the app's origin: the wasm, and for browsers without JSPI or wasm64
// (Safari, Firefox) the self-hosted compat build, which wllama would otherwise fetch from a public CDN. Shared by
// the workers that run it (wllama.worker.ts, and the benchmark's worker).
import compatWorker from '@wllama/wllama-compat/wasm/wllama.js?url';
import compatWasm from '@wllama/wllama-compat/wasm/wllama.wasm?url';
import wllamaWasm from '@wllama/wllama/esm/wasm/wllama.wasm?url';
import { WllamaBackend, type WllamaBackendOptions } from '../src/llm/wllama-backend';

export function createWllamaBackend(options: WllamaBackendOptions = {}): WllamaBackend {
  return new WllamaBackend({ wasm: wllamaWasm, compat: { worker: compatWorker, wasm: compatWasm } }, options);
}
