// The Node side of a Chromium benchmark: serve the repository with Vite, open the benchmark's page in headless
// Chromium and read what it publishes (page-result.ts). Node-only: benchmark pages import page-result.ts, never this.
import { chromium } from 'playwright';
import { createServer } from 'vite';
import { CHROMIUM_ARGS, findChromium, INSTALL_HINT } from '../scripts/chromium.ts';
import { readBenchResult } from './page-result.ts';

/** A benchmark page's result, and the Chromium it ran in. */
export interface BenchRun<T> {
  result: T;
  browserVersion: string;
}

/**
 * In the driver: serves the repository with Vite on a free loopback port, opens `path` (e.g. '/bench/store/index.html?…')
 * in headless Chromium and returns its published result with the browser's version; the server and browser are
 * closed whatever happens.
 */
export async function runBenchPage<T>(path: string, timeoutMs: number): Promise<BenchRun<T>> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(INSTALL_HINT);
  const server = await createServer({ configFile: 'vite.config.ts', server: { host: '127.0.0.1', port: 0 }, logLevel: 'error' });
  await server.listen();
  const address = server.httpServer?.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    return { result: await readBenchResult<T>(page, `http://127.0.0.1:${port}${path}`, timeoutMs), browserVersion: browser.version() };
  } finally {
    await browser.close();
    await server.close();
  }
}
