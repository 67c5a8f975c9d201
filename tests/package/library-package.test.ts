// Persona as a library, the way a host developer gets it: `npm pack` (which builds lib/ first), a scratch host app
// (tests/package/consumer) that installs the tarball with npm, type-checks against the package's declarations in
// strict mode (moduleResolution bundler and nodenext), bundles with Vite and runs in Chromium — createPersona() → record() → events.list(), with the engine
// and embedder workers, onnxruntime's wasm and the bundled model all served by the host app itself.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHROMIUM_ARGS, findChromium, INSTALL_HINT } from '../../scripts/chromium.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = fileURLToPath(new URL('./consumer', import.meta.url));

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string; size: number }[];
}

interface PackageJson {
  exports: Record<string, string | { types: string; import: string }>;
}

/**
 * The child's environment without what an enclosing `npm test` sets about itself (npm_lifecycle_*, npm_package_*,
 * npm_command, …), which would confuse the npm it runs; the user's npm settings (npm_config_*: cache, registry) stay.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) || /^npm_config_/i.test(key)));
}

/** Runs a command; on failure the error carries its output, so the test report says what went wrong. */
async function sh(file: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run(file, args, { cwd, env: cleanEnv(), maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed in ${cwd}:\n${stdout}\n${stderr}`, { cause: error });
  }
}

let work: string;
let consumer: string;
let packed: PackResult;
/** What `tsc --noEmit` printed on the host app, by module resolution ('' when it passed). */
const typeErrors: Record<'bundler' | 'nodenext', string> = { bundler: 'not run', nodenext: 'not run' };
/** `tsc --skipLibCheck false` on the host app: every declaration file it reaches, checked in full. */
let libCheckOutput: string;
let server: PreviewServer | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'persona-package-'));
  // prepack builds lib/ first, so the tarball always holds a fresh build. Its log goes to stdout before npm's JSON.
  const packOutput = await sh('npm', ['pack', '--json', '--pack-destination', work], root);
  const [result] = JSON.parse(packOutput.slice(packOutput.search(/^\[/m))) as PackResult[];
  if (!result) throw new Error(`npm pack reported nothing:\n${packOutput}`);
  packed = result;

  consumer = join(work, 'consumer');
  cpSync(fixture, consumer, { recursive: true });
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'persona-consumer', private: true, type: 'module', dependencies: { persona: `file:${join(work, packed.filename)}` } }, null, 2),
  );
  // From the local cache where it can; scripts off: the host app needs no native onnxruntime (Node) binaries.
  await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], consumer);

  const tsc = (...flags: string[]) =>
    sh(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(consumer, 'tsconfig.json'), ...flags], consumer).then(
      (output) => output,
      (error: unknown) => (error as Error).message,
    );
  typeErrors.bundler = await tsc();
  typeErrors.nodenext = await tsc('--module', 'nodenext', '--moduleResolution', 'nodenext');
  libCheckOutput = await tsc('--skipLibCheck', 'false');

  // As README "Use as a library" says: the host serves the bundled embedder model, here from /persona-models/
  // (consumer.ts passes `embedderModels`).
  cpSync(join(consumer, 'node_modules/persona/lib/models'), join(consumer, 'public/persona-models'), { recursive: true });
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: consumer, configFile: join(consumer, 'vite.config.js'), mode: 'production' });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  server = await preview({ root: consumer, configFile: join(consumer, 'vite.config.js'), preview: { host: '127.0.0.1', port: 0, strictPort: true, open: false } });
  const executablePath = findChromium();
  if (executablePath === undefined) throw new Error(INSTALL_HINT);
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  test('holds the compiled library, its declarations and the bundled model, and no sources or tests', () => {
    const paths = packed.files.map((file) => file.path);
    console.info(`persona tarball: ${packed.size} bytes packed, ${packed.unpackedSize} unpacked, ${packed.entryCount} files`);
    const outside = paths.filter((path) => !path.startsWith('lib/') && !['package.json', 'README.md', 'LICENSE'].includes(path));
    expect(outside).toEqual([]);
    expect(paths.filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'))).toEqual([]);
    expect(paths).toContain('lib/models/persona-glove-100d/onnx/model_quantized.onnx');
    expect(paths).toEqual(expect.arrayContaining(['lib/workers/engine.worker.js', 'lib/workers/embedder.worker.js', 'lib/workers/wllama.worker.js', 'lib/workers/web-llm.worker.js']));
  });

  test('has every file its exports map names', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
    const targets = Object.values(manifest.exports).flatMap((target) => (typeof target === 'string' ? [target] : [target.types, target.import]));
    expect(targets.length).toBeGreaterThan(3);
    for (const target of targets) expect(packed.files.map((file) => `./${file.path}`)).toContain(target);
  });
});

describe('a host app that installs it', () => {
  test('type-checks in strict mode against the declarations, and the wrong calls are refused', () => {
    // Unused `@ts-expect-error` lines are errors too: the refusals in consumer.ts must each be refused.
    expect(typeErrors.bundler).toBe('');
  });

  test('type-checks the same under moduleResolution nodenext (every import in the declarations names its file)', () => {
    expect(typeErrors.nodenext).toBe('');
  });

  test('finds no error in Persona’s own declaration files when every declaration file is checked', () => {
    // web-llm's published declarations do not check on their own (modules and `chrome` types they leave out), so
    // this pass judges Persona's files only; the host app above keeps the usual skipLibCheck.
    expect(libCheckOutput.split('\n').filter((line) => line.includes('node_modules/persona/'))).toEqual([]);
    expect(libCheckOutput).not.toMatch(/^src\//m);
  });

  test('bundles Persona’s workers and wasm as files of its own build', () => {
    const assets = readdirSync(join(consumer, 'dist/assets'));
    for (const worker of ['engine.worker', 'embedder.worker', 'wllama.worker']) expect(assets.some((name) => name.startsWith(worker) && name.endsWith('.js'))).toBe(true);
    expect(assets.filter((name) => name.endsWith('.wasm')).length).toBeGreaterThanOrEqual(2);
    expect(existsSync(join(consumer, 'dist/persona-models/persona-glove-100d/onnx/model_quantized.onnx'))).toBe(true);
  });

  test('records, lists and embeds through createPersona() in Chromium, with everything from its own origin', async () => {
    if (!browser || !server) throw new Error('the host app was not served');
    const address = server.httpServer.address();
    if (address === null || typeof address === 'string') throw new Error('vite preview reported no TCP address');
    const origin = `http://127.0.0.1:${address.port}`;
    const context = await browser.newContext();
    const requested: string[] = [];
    context.on('request', (request) => requested.push(request.url()));
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await page.goto(`${origin}/`);
      await expect.poll(() => page.evaluate(() => window.consumerOutcome !== undefined), { timeout: 90_000, interval: 250 }).toBe(true);
      const outcome = await page.evaluate(() => window.consumerOutcome);
      expect(outcome).toEqual({
        recorded: ['recipe-1', 'recipe-2'],
        listed: expect.arrayContaining(['recipe-1', 'recipe-2']) as unknown,
        embedded: 2,
        model: 'persona-glove-100d:q8',
        refusal: 'InvalidEventError',
        badFolder: 'embedderModels',
        afterRefusal: 2,
        elements: { app: true, history: true, widget: true },
      });
      expect(pageErrors).toEqual([]);
      // The workers, onnxruntime's wasm and the model came from the host app; nothing went anywhere else.
      expect(requested.filter((url) => !url.startsWith(`${origin}/`))).toEqual([]);
      expect(requested.some((url) => url === `${origin}/persona-models/persona-glove-100d/onnx/model_quantized.onnx`)).toBe(true);
      expect(requested.some((url) => /\/assets\/ort-wasm[^/]*\.wasm$/.test(url))).toBe(true);
    } finally {
      await context.close();
    }
  });
});

declare global {
  interface Window {
    consumerOutcome?: unknown;
  }
}
