// Runs in Chromium (see bench/llm.ts): one model at one thread count through the app's path — WorkerChatBackend
// talking to a module worker that hosts WllamaBackend — timed the way bench/llm/protocol.ts says. The driver calls
// window.llmBench one run at a time, so that each wllama run sits beside a native run under the same machine load
// (the shared 2-core machine's load swings by several times within a minute; whole blocks of runs would not compare).
import { wrap, type Remote } from 'comlink';
import { WorkerChatBackend } from '../../src/llm/worker-chat-backend';
import { probeEnvironment } from './environment';
import { sampleRun, type ModelJob, type PageEnvironment, type RunSample } from './protocol';
import type { BenchChatBackendHost } from './wllama-bench.worker';

export interface Started {
  environment: PageEnvironment;
  worker: PageEnvironment;
  threadsInUse: number;
  loadMs: number;
}

export interface LlmBenchPage {
  start(job: ModelJob): Promise<Started>;
  run(prompt: string): Promise<{ sample: RunSample; text: string }>;
  stop(): Promise<void>;
}

let current: { backend: WorkerChatBackend; bench: Remote<BenchChatBackendHost>; job: ModelJob } | undefined;

const llmBench: LlmBenchPage = {
  async start(job) {
    await llmBench.stop();
    const url = new URL('./wllama-bench.worker.ts', import.meta.url);
    url.searchParams.set('threads', String(job.threads));
    const worker = new Worker(url, { type: 'module' });
    const backend = await WorkerChatBackend.connect(() => worker);
    // A second comlink client on the same worker for the bench-only calls; replies are matched by id.
    const bench = wrap<BenchChatBackendHost>(worker);
    current = { backend, bench, job };
    const loadStart = performance.now();
    await backend.load({ id: job.id, gguf: { url: job.url }, contextSize: job.contextSize });
    const loadMs = performance.now() - loadStart;
    return { environment: probeEnvironment(), worker: await bench.environment(), threadsInUse: await bench.threadsInUse(), loadMs };
  },

  async run(prompt) {
    if (!current) throw new Error('llmBench.run() before start()');
    const times: number[] = [];
    const start = performance.now();
    const result = await current.backend.complete(prompt, {
      maxTokens: current.job.maxTokens,
      temperature: 0,
      onToken: () => {
        times.push(performance.now());
      },
    });
    return { sample: sampleRun(start, times, result.usage.promptTokens, result.usage.completionTokens), text: result.text };
  },

  async stop() {
    const was = current;
    current = undefined;
    if (!was) return;
    await was.backend.unload().catch(() => undefined);
    was.backend.terminate();
  },
};

(window as unknown as { llmBench: LlmBenchPage }).llmBench = llmBench;
