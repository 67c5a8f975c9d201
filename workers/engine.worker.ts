// Thin host: Persona's engine in a module worker, exposed with comlink (src/engine/engine-host.ts). The embedder,
// llama.cpp and web-llm run in workers of their own started from here, so a model that runs out of memory takes
// only its worker down: the engine fails that request with WorkerCrashedError and starts the worker again.
import { expose } from 'comlink';
import { EngineHost, QUIET_CALLS } from '../src/engine/engine-host';
import { reportingUse } from '../src/engine/idle-lock';
import { WebLlmBackend } from '../src/llm/web-llm-backend';
import { WorkerChatBackend } from '../src/llm/worker-chat-backend';
import { startModuleWorker } from '../src/platform/module-worker';
import webLlmWorkerUrl from './web-llm.worker.ts?worker&url';
import wllamaWorkerUrl from './wllama.worker.ts?worker&url';

const host = new EngineHost({
  wllama: () => new WorkerChatBackend(() => startModuleWorker(wllamaWorkerUrl), 'wllama'),
  'web-llm': () => new WebLlmBackend(() => startModuleWorker(webLlmWorkerUrl)),
});
// Every call from the page counts as use for the lock's idle time, except reads of status and subscriptions.
expose(
  reportingUse(
    host,
    () => {
      host.touch();
    },
    QUIET_CALLS,
  ),
);
