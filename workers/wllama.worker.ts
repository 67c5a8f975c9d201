// Thin host: llama.cpp (wllama) in a module worker, exposed with comlink. Every file comes from the app's origin:
// the wasm, and for browsers without JSPI or wasm64 (Safari, Firefox) the self-hosted compat build, which wllama
// would otherwise fetch from a public CDN (see src/llm/wllama-backend.ts).
import compatWorker from '@wllama/wllama-compat/wasm/wllama.js?url';
import compatWasm from '@wllama/wllama-compat/wasm/wllama.wasm?url';
import wllamaWasm from '@wllama/wllama/esm/wasm/wllama.wasm?url';
import { expose } from 'comlink';
import { ChatBackendHost } from '../src/llm/chat-backend-host';
import { WllamaBackend } from '../src/llm/wllama-backend';

expose(new ChatBackendHost(new WllamaBackend({ wasm: wllamaWasm, compat: { worker: compatWorker, wasm: compatWasm } })));
