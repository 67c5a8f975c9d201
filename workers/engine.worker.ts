// Thin host: Persona's engine in a module worker, exposed with comlink (src/engine/engine-host.ts). The embedder and
// web-llm run in workers of their own started from here; llama.cpp runs below this one (wllama-runtime.ts).
import { expose } from 'comlink';
import { EngineHost } from '../src/engine/engine-host';
import { WebLlmBackend } from '../src/llm/web-llm-backend';
import { createWllamaBackend } from './wllama-runtime';

expose(
  new EngineHost({
    wllama: () => createWllamaBackend(),
    'web-llm': () => new WebLlmBackend(() => new Worker(new URL('./web-llm.worker.ts', import.meta.url), { type: 'module' })),
  }),
);
