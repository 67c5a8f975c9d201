// Thin host: Persona's engine in a module worker, exposed with comlink (src/engine/engine-host.ts). The embedder,
// llama.cpp and web-llm run in workers of their own started from here, so a model that runs out of memory takes
// only its worker down: the engine fails that request with WorkerCrashedError and starts the worker again.
import { expose } from 'comlink';
import { EngineHost } from '../src/engine/engine-host';
import { WebLlmBackend } from '../src/llm/web-llm-backend';
import { WorkerChatBackend } from '../src/llm/worker-chat-backend';

expose(
  new EngineHost({
    wllama: () => new WorkerChatBackend(() => new Worker(new URL('./wllama.worker.ts', import.meta.url), { type: 'module' }), 'wllama'),
    'web-llm': () => new WebLlmBackend(() => new Worker(new URL('./web-llm.worker.ts', import.meta.url), { type: 'module' })),
  }),
);
