// The native baseline: llama.cpp through node-llama-cpp, on the same GGUF, prompts and token counts as the page.
// node-llama-cpp is large (its prebuilt CPU binaries alone are ~85 MB), so it is installed on first use into a
// git-ignored folder with its own package.json — never into the project's dependencies. The install takes only the
// CPU build for this platform from the npm registry: optional dependencies (the CUDA and Vulkan builds) are left
// out, and install scripts are skipped, since node-llama-cpp's postinstall may fetch llama.cpp from GitHub and build
// it. At run time `build: 'never'` and `skipDownload` keep it on the prebuilt binary.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sampleRun, type RunSample } from './protocol.ts';

export const NODE_LLAMA_CPP_VERSION = '3.22.1';

// Just what the bench uses of node-llama-cpp's API (its types are not in the project).
type Token = number;
interface NativeSequence {
  evaluate(tokens: Token[], options: { temperature: number }): AsyncGenerator<Token, void, undefined>;
  clearHistory(): Promise<void>;
}
interface NativeContext {
  getSequence(): NativeSequence;
  dispose(): Promise<void>;
}
export interface NativeModel {
  tokenize(text: string): Token[];
  detokenize(tokens: readonly Token[]): string;
  isEogToken(token: Token): boolean;
  readonly tokens: { readonly bos: Token | null; readonly shouldPrependBosToken: boolean };
  createContext(options: { contextSize: number; batchSize: number; threads: { ideal: number; min: number }; sequences: number }): Promise<NativeContext>;
  dispose(): Promise<void>;
}
export interface NativeLlama {
  loadModel(options: { modelPath: string; gpuLayers: number }): Promise<NativeModel>;
  readonly systemInfo: string;
  readonly llamaCppRelease: { repo: string; release: string };
  readonly gpu: string | false;
  dispose(): Promise<void>;
}
interface NodeLlamaCpp {
  getLlama: (options: Record<string, unknown>) => Promise<NativeLlama>;
}

function installed(dir: string): boolean {
  const manifest = join(dir, 'node_modules', 'node-llama-cpp', 'package.json');
  return existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version === NODE_LLAMA_CPP_VERSION;
}

/** node-llama-cpp at the pinned version, installed into `dir` on first use. */
export async function loadNodeLlamaCpp(dir: string, log: (message: string) => void): Promise<NativeLlama> {
  if (!installed(dir)) {
    log(`installing node-llama-cpp@${NODE_LLAMA_CPP_VERSION} (CPU build only) into ${dir}`);
    mkdirSync(dir, { recursive: true });
    const platformPackage = `@node-llama-cpp/${process.platform}-${process.arch}`;
    // The platform build is named as a dependency of its own so that leaving out optional dependencies keeps it.
    const manifest = { name: 'persona-llm-bench-native', private: true, dependencies: { 'node-llama-cpp': NODE_LLAMA_CPP_VERSION, [platformPackage]: NODE_LLAMA_CPP_VERSION } };
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const npm = spawnSync('npm', ['install', '--omit=optional', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock'], {
      cwd: dir,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, NODE_LLAMA_CPP_SKIP_DOWNLOAD: 'true' },
    });
    if (npm.status !== 0 || !installed(dir)) throw new Error(`npm install of node-llama-cpp into ${dir} failed (exit ${npm.status ?? 'signal'})`);
  }
  const entry = pathToFileURL(join(dir, 'node_modules', 'node-llama-cpp', 'dist', 'index.js')).href;
  const { getLlama } = (await import(entry)) as NodeLlamaCpp;
  // maxThreads 0: a context's thread count is then exactly what it asks for, not a share of a pool.
  return getLlama({ gpu: false, build: 'never', skipDownload: true, usePrebuiltBinaries: true, progressLogs: false, logLevel: 'error', maxThreads: 0 });
}

export function promptTokens(model: NativeModel, prompt: string): Token[] {
  const bos = model.tokens.shouldPrependBosToken ? model.tokens.bos : null;
  return bos === null ? model.tokenize(prompt) : [bos, ...model.tokenize(prompt)];
}

export interface NativeRunner {
  /** Context creation, ms. */
  loadMs: number;
  run(prompt: string, maxTokens: number): Promise<{ sample: RunSample; text: string }>;
  close(): Promise<void>;
}

/** A context at `threads` threads; each run is a greedy completion on a cleared sequence (no KV cache carried over). */
export async function openNative(model: NativeModel, threads: number, contextSize: number): Promise<NativeRunner> {
  const loadStart = performance.now();
  // Batch 512: llama.cpp's default micro-batch, which wllama's prompt evaluation runs with too.
  const context = await model.createContext({ contextSize, batchSize: 512, threads: { ideal: threads, min: threads }, sequences: 1 });
  const loadMs = performance.now() - loadStart;
  const sequence = context.getSequence();
  return {
    loadMs,
    async run(prompt, maxTokens) {
      await sequence.clearHistory();
      const input = promptTokens(model, prompt);
      const generated: Token[] = [];
      const times: number[] = [];
      const start = performance.now();
      for await (const token of sequence.evaluate(input, { temperature: 0 })) {
        // Stop where wllama stops: at an end-of-generation token (not counted) or at maxTokens.
        if (model.isEogToken(token)) break;
        times.push(performance.now());
        generated.push(token);
        if (generated.length >= maxTokens) break;
      }
      return { sample: sampleRun(start, times, input.length, generated.length), text: model.detokenize(generated) };
    },
    close: () => context.dispose(),
  };
}
