// Bench-only LLM worker: workers/wllama.worker.ts with the thread count taken from the worker's URL (?threads=N),
// and two extra calls so the bench can see what the runtime really runs on rather than what it was asked for.
import { expose } from 'comlink';
import { ChatBackendHost } from '../../src/llm/chat-backend-host';
import { createWllamaBackend } from '../../workers/wllama-runtime';
import { probeEnvironment } from './environment';

const threads = Number(new URL(self.location.href).searchParams.get('threads') ?? '1');
if (!Number.isInteger(threads) || threads < 1) throw new Error(`bad ?threads= in the worker URL: ${self.location.href}`);

const backend = createWllamaBackend({ threads });

export class BenchChatBackendHost extends ChatBackendHost {
  /** wllama's own count: 1 when multi-threading did not start (no isolation, no SharedArrayBuffer). */
  threadsInUse(): number {
    return backend.threads;
  }

  environment(): ReturnType<typeof probeEnvironment> {
    return probeEnvironment();
  }
}

expose(new BenchChatBackendHost(backend));
