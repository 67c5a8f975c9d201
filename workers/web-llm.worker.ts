// Thin host: web-llm's own worker handler, so WebGPU inference runs off the main thread. The engine's client is
// src/llm/web-llm-backend.ts (CreateWebWorkerMLCEngine over this worker).
import { WebWorkerMLCEngineHandler } from '@mlc-ai/web-llm';

const handler = new WebWorkerMLCEngineHandler();
self.onmessage = (message: MessageEvent) => {
  handler.onmessage(message);
};
