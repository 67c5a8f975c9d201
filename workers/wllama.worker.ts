// Thin host: llama.cpp (wllama) in a module worker, exposed with comlink. The wasm is bundled and served by the app
// itself; wllama's CDN compat build is never used (see src/llm/wllama-backend.ts).
import wllamaWasm from '@wllama/wllama/esm/wasm/wllama.wasm?url';
import { expose } from 'comlink';
import { ChatBackendHost } from '../src/llm/chat-backend-host';
import { WllamaBackend } from '../src/llm/wllama-backend';

expose(new ChatBackendHost(new WllamaBackend({ wasm: wllamaWasm })));
