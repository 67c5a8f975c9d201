// The local-LLM benchmark: wllama (llama.cpp on WASM) in headless Chromium, through the app's path (WorkerChatBackend
// → module worker → WllamaBackend), against native llama.cpp (node-llama-cpp, installed on demand) on the same GGUF,
// prompts and token counts, in the same run. Two models: stories260K (../shared/models; so small that per-call
// overhead dominates) and a ~74M-parameter random-weight llama in Q8_0 made by scripts/make-random-gguf.ts (where the
// matrix kernels dominate). Each side runs at 1 and 2 threads, warmed up, greedy; the best thread count per side is
// compared. Prints a table and writes bench/results/llm.json.
//
// Usage: npm run bench:llm [-- --tokens 128 --runs 5 --warmup 2 --threads 1,2 --context 1024 --type q8_0 --no-small]
// Quick run: npm run bench:llm -- --runs 2 --warmup 1 --tokens 64
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright';
import { createServer } from 'vite';
import { CHROMIUM_ARGS, INSTALL_HINT, findChromium } from '../scripts/chromium.ts';
import { DEFAULT_CONFIG } from '../scripts/gguf/random-llama.ts';
import { defaultRandomGgufPath, ensureRandomGguf, RANDOM_GGUF_DIR } from '../scripts/make-random-gguf.ts';
import { contentSecurityPolicy, ISOLATION_HEADERS } from '../scripts/security-headers.ts';
import { TEST_MODELS_PATH, testModelServer, testModelsDir } from '../tests/support/test-model-server.ts';
import type { LlmBenchPage } from './llm/llm-bench.ts';
import { loadNodeLlamaCpp, NODE_LLAMA_CPP_VERSION, openNative, promptTokens, type NativeModel } from './llm/native.ts';
import { LEAD_WORDS, median, promptFor, type ModelJob, type PageEnvironment, type SideResult } from './llm/protocol.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    tokens: { type: 'string', default: '128' },
    runs: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    threads: { type: 'string', default: '1,2' },
    context: { type: 'string', default: '1024' },
    type: { type: 'string', default: 'q8_0' },
    'no-small': { type: 'boolean', default: false },
  },
});
const positive = (name: string, text: string): number => {
  const x = Number(text);
  if (!Number.isInteger(x) || x < 1) throw new Error(`--${name} must be a whole number ≥ 1, not ${text}`);
  return x;
};
const maxTokens = positive('tokens', values.tokens);
const runCount = positive('runs', values.runs);
const warmupCount = Number(values.warmup);
if (!Number.isInteger(warmupCount) || warmupCount < 0) throw new Error(`--warmup must be a whole number ≥ 0, not ${values.warmup}`);
const threadCounts = values.threads.split(',').map((t) => positive('threads', t));
const contextSize = positive('context', values.context);
const largeType = values.type.toUpperCase();
if (largeType !== 'Q8_0' && largeType !== 'F16') throw new Error(`--type must be q8_0 or f16, not ${values.type}`);

const started = performance.now();
const progress = (message: string): void => {
  console.error(`${((performance.now() - started) / 1_000).toFixed(1).padStart(6)} s ${message}`);
};

const executablePath = findChromium();
if (!executablePath) throw new Error(INSTALL_HINT);

// Both models are served by the test model server from one folder of links: the shared stories260K and the
// generated model (which lives in the git-ignored cache, never in ../shared).
const small = join(testModelsDir(root), 'stories260K.gguf');
const made = ensureRandomGguf(defaultRandomGgufPath(largeType), { ...DEFAULT_CONFIG, type: largeType });
progress(`[llm] ${made.reused ? 'reusing' : 'wrote'} ${made.path}: ${(made.parameters / 1e6).toFixed(1)}M parameters, ${largeType}`);
const servedDir = join(RANDOM_GGUF_DIR, 'served');
mkdirSync(servedDir, { recursive: true });
const serve = (file: string): string => {
  const link = join(servedDir, basename(file));
  rmSync(link, { force: true });
  symlinkSync(resolve(file), link);
  return `${TEST_MODELS_PATH}${basename(file)}`;
};
interface ModelUnderTest {
  key: 'small' | 'large';
  id: string;
  path: string;
  url: string;
  parameters: number;
  type: string;
}
const models: ModelUnderTest[] = [
  ...(values['no-small'] ? [] : [{ key: 'small' as const, id: 'stories260K', path: small, url: serve(small), parameters: 260_000, type: 'F32' }]),
  { key: 'large' as const, id: `random-llama-${largeType.toLowerCase()}`, path: made.path, url: serve(made.path), parameters: made.parameters, type: largeType },
];
process.env.PERSONA_TEST_MODELS = servedDir;

/**
 * The run prompts for a model: one per warm-up and timed run, each with its own first word (so no run reuses another's
 * KV cache), all the same length in this model's tokens.
 */
function pickPrompts(model: NativeModel, count: number): { prompts: string[]; tokens: number } {
  const byLength = new Map<number, string[]>();
  for (const lead of LEAD_WORDS) {
    const prompt = promptFor(lead);
    const length = promptTokens(model, prompt).length;
    byLength.set(length, [...(byLength.get(length) ?? []), prompt]);
  }
  const [tokens, prompts] = [...byLength].sort((a, b) => b[1].length - a[1].length)[0] ?? [0, []];
  if (prompts.length < count) throw new Error(`only ${prompts.length} prompts of equal length (${tokens} tokens) for ${count} runs: lower --runs/--warmup`);
  return { prompts: prompts.slice(0, count), tokens };
}

const llama = await loadNodeLlamaCpp(join(RANDOM_GGUF_DIR, 'native'), progress);
progress(`[llm] node-llama-cpp ${NODE_LLAMA_CPP_VERSION}, llama.cpp ${llama.llamaCppRelease.release}, gpu ${String(llama.gpu)}`);

const server = await createServer({
  configFile: 'vite.config.ts',
  plugins: [testModelServer()],
  // No watching and no HMR: others edit the tree while a benchmark runs. COOP/COEP: wllama's threads need isolation.
  server: { host: '127.0.0.1', port: 0, hmr: false, watch: null, headers: { ...ISOLATION_HEADERS, 'Content-Security-Policy': contentSecurityPolicy({ dev: true }) } },
  logLevel: 'error',
});
await server.listen();
const address = server.httpServer?.address();
const port = typeof address === 'object' && address ? address.port : 0;

interface ModelResult {
  model: ModelUnderTest;
  promptTokens: number;
  native: SideResult[];
  wllama: SideResult[];
  nativeModelLoadMs: number;
}
type PageApi = { llmBench: LlmBenchPage };
const results: ModelResult[] = [];
let pageEnvironment: PageEnvironment | undefined;
let workerEnvironment: PageEnvironment | undefined;
const nativeInfo = { systemInfo: llama.systemInfo, nodeLlamaCpp: NODE_LLAMA_CPP_VERSION, llamaCpp: llama.llamaCppRelease };
const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
const browserVersion = browser.version();
try {
  const page = await browser.newPage();
  page.on('console', (message) => {
    if (message.text().startsWith('[llm]')) progress(message.text());
  });
  page.on('pageerror', (error) => {
    progress(`[llm] page error: ${error.message}`);
  });
  await page.goto(`http://127.0.0.1:${port}/bench/llm/index.html`);
  await page.waitForFunction(() => 'llmBench' in window, null, { timeout: 120_000 });
  for (const model of models) {
    const loadStart = performance.now();
    const nativeModel = await llama.loadModel({ modelPath: model.path, gpuLayers: 0 });
    const nativeModelLoadMs = performance.now() - loadStart;
    const { prompts, tokens } = pickPrompts(nativeModel, warmupCount + runCount);
    progress(`[llm] ${model.id}: prompts of ${tokens} tokens, ${maxTokens} generated, ${warmupCount} warm-up + ${runCount} timed runs`);
    const entry: ModelResult = { model, promptTokens: tokens, native: [], wllama: [], nativeModelLoadMs };
    for (const threads of threadCounts) {
      const job: ModelJob = { id: model.id, url: model.url, contextSize, threads, maxTokens };
      const native = await openNative(nativeModel, threads, contextSize);
      const opened = await page.evaluate((j) => (window as unknown as PageApi).llmBench.start(j), job);
      pageEnvironment = opened.environment;
      workerEnvironment = opened.worker;
      const sides = {
        native: { side: 'native', threads, threadsInUse: threads, loadMs: nativeModelLoadMs + native.loadMs, warmup: [], runs: [], text: '' } as SideResult,
        wllama: { side: 'wllama', threads, threadsInUse: opened.threadsInUse, loadMs: opened.loadMs, warmup: [], runs: [], text: '' } as SideResult,
      };
      // Paired runs, the order alternating, so both sides see the same machine load.
      for (const [i, prompt] of prompts.entries()) {
        const order = i % 2 === 0 ? (['native', 'wllama'] as const) : (['wllama', 'native'] as const);
        for (const name of order) {
          const { sample, text } =
            name === 'native' ? await native.run(prompt, maxTokens) : await page.evaluate((p) => (window as unknown as PageApi).llmBench.run(p), prompt);
          const side = sides[name];
          if (i < warmupCount) side.warmup.push(sample);
          else {
            if (side.runs.length === 0) side.text = text;
            side.runs.push(sample);
          }
          progress(`[llm] ${model.id} ${name.padEnd(6)} ×${threads} ${i < warmupCount ? 'warm-up' : 'run    '} ${i}: ${sample.decodeTokensPerS.toFixed(1).padStart(7)} tokens/s, TTFT ${sample.ttftMs.toFixed(0).padStart(5)} ms`);
        }
      }
      await page.evaluate(() => (window as unknown as PageApi).llmBench.stop());
      await native.close();
      entry.native.push(sides.native);
      entry.wllama.push(sides.wllama);
    }
    await nativeModel.dispose();
    results.push(entry);
  }
  await page.close();
} finally {
  await browser.close();
  await server.close();
  await llama.dispose();
}

// ---- summary ----
const decode = (side: SideResult): number => median(side.runs.map((r) => r.decodeTokensPerS));
const ttft = (side: SideResult): number => median(side.runs.map((r) => r.ttftMs));
const best = (sides: SideResult[]): SideResult | undefined => [...sides].sort((a, b) => decode(b) - decode(a))[0];
const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;
const commonPrefix = (a: string, b: string): number => {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
};

const summary: Record<string, number> = {};
const summaryExtra: Record<string, number | string | boolean> = {};
for (const { model, native, wllama, promptTokens: promptLength } of results) {
  const w = best(wllama);
  const n = best(native);
  if (!w || !n) continue;
  const k = model.key;
  summary[`wllama_tokens_per_s_${k}`] = round(decode(w));
  summary[`native_tokens_per_s_${k}`] = round(decode(n));
  summary[`wllama_ttft_ms_${k}`] = round(ttft(w));
  summary[`native_ttft_ms_${k}`] = round(ttft(n));
  summary[`ratio_wllama_to_native_${k}`] = round(decode(w) / decode(n), 3);
  summary[`ratio_native_to_wllama_ttft_${k}`] = round(ttft(n) / ttft(w), 3);
  summary[`wllama_threads_${k}`] = w.threads;
  summary[`native_threads_${k}`] = n.threads;
  summaryExtra[`prompt_tokens_${k}`] = promptLength;
  summaryExtra[`wllama_prompt_tokens_match_native_${k}`] = wllama.every((s) => [...s.warmup, ...s.runs].every((r) => r.promptTokens === promptLength));
  summaryExtra[`generated_tokens_equal_${k}`] = [...wllama, ...native].every((s) => s.runs.every((r) => r.tokens === (n.runs[0]?.tokens ?? -1)));
  summaryExtra[`generated_tokens_${k}`] = n.runs[0]?.tokens ?? 0;
  summaryExtra[`same_greedy_text_chars_${k}`] = commonPrefix(w.text, n.text);
  summaryExtra[`greedy_text_chars_${k}`] = Math.max(w.text.length, n.text.length);
  for (const [i, wSide] of wllama.entries()) {
    const nSide = native[i];
    if (!nSide) continue;
    const pairs = wSide.runs.map((r, j) => r.decodeTokensPerS / (nSide.runs[j]?.decodeTokensPerS ?? Number.NaN));
    summaryExtra[`ratio_wllama_to_native_paired_${k}_${wSide.threads}t`] = round(median(pairs), 3);
  }
  for (const side of [...wllama, ...native]) {
    summaryExtra[`${side.side}_tokens_per_s_${k}_${side.threads}t`] = round(decode(side));
    summaryExtra[`${side.side}_ttft_ms_${k}_${side.threads}t`] = round(ttft(side));
    summaryExtra[`${side.side}_threads_in_use_${k}_${side.threads}t`] = side.threadsInUse;
  }
}
if (summary.ratio_wllama_to_native_large !== undefined) summaryExtra.goal_ratio_at_least_0_5_large = summary.ratio_wllama_to_native_large >= 0.5;

const result = {
  benchmark: 'llm',
  browser: browserVersion,
  wallSeconds: round((performance.now() - started) / 1_000),
  summary,
  summaryNotes: {
    tokensPerS: 'decode rate, median over timed runs: (generated tokens − 1) / (last token − first token), each token timed as the caller receives it',
    ttft: 'median time from the completion call to the first generated token, the whole prompt evaluated (each run starts with another word, so no KV cache is reused)',
    threads: `each side measured at ${threadCounts.join(' and ')} threads; the summary keeps each side's best by tokens/s (the per-thread figures are in summaryExtra)`,
    wllama: 'WorkerChatBackend.complete() in a Chromium page, WllamaBackend in a module worker (bench/llm/wllama-bench.worker.ts), model loaded from the dev server through the OPFS model cache; temperature 0 (top_k 1), stops at max tokens or EOS',
    native: `node-llama-cpp ${NODE_LLAMA_CPP_VERSION} (llama.cpp ${nativeInfo.llamaCpp.release}, CPU prebuilt) in Node: LlamaContextSequence.evaluate, temperature 0, fresh sequence per run, batch 512, stops at max tokens or an end-of-generation token`,
    models: `small: stories260K (F32, 260K parameters); large: ${made.path.replace(`${root}/`, '')} (${largeType}, ${made.parameters} parameters, random weights, seed ${made.config.seed})`,
    runs: `${warmupCount} warm-up + ${runCount} timed runs per side, model and thread count; ${maxTokens} tokens; context ${contextSize}`,
  },
  summaryExtra,
  environment: { page: pageEnvironment, worker: workerEnvironment, native: nativeInfo },
  largeModel: made,
  results: results.map((r) => ({ ...r, model: { ...r.model, path: r.model.path.replace(`${root}/`, '') } })),
};

mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'llm.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify({ summary, summaryExtra }, null, 2));

const rows: string[][] = [['model', 'side', 'threads', 'tokens/s', 'TTFT ms', 'prompt', 'generated', 'load ms']];
for (const { model, native, wllama, promptTokens: promptLength } of results) {
  for (const side of [...wllama, ...native]) {
    rows.push([
      model.id,
      side.side,
      `${side.threads}${side.threadsInUse === side.threads ? '' : ` (in use: ${side.threadsInUse})`}`,
      decode(side).toFixed(1),
      ttft(side).toFixed(1),
      String(promptLength),
      String(side.runs[0]?.tokens ?? 0),
      side.loadMs.toFixed(0),
    ]);
  }
  const k = model.key;
  rows.push([model.id, 'ratio wllama/native (best threads)', `${summary[`wllama_threads_${k}`] ?? '?'} vs ${summary[`native_threads_${k}`] ?? '?'}`, (summary[`ratio_wllama_to_native_${k}`] ?? Number.NaN).toFixed(3), `${(summary[`ratio_native_to_wllama_ttft_${k}`] ?? Number.NaN).toFixed(3)} (native/wllama)`, '', '', '']);
}
const widths = rows[0]?.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length))) ?? [];
for (const [i, row] of rows.entries()) {
  console.log(row.map((cell, c) => (c >= 2 ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0))).join('  '));
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
