// The Node side of the cold-start measurement (bench/retrieval/cold-start-run.ts runs in the pages): a persistent
// Chromium profile in a temporary folder, so IndexedDB survives closing the browser. One browser writes the
// history (setup); then each measured run starts a new browser on that profile and loads the page once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright';
import type { ColdMeasureResult, ColdPartsResult, ColdSetupResult, ColdStartPageResult } from './cold-start-run.ts';

export interface ColdStartResult {
  events: number;
  setup: ColdSetupResult;
  setupWallMs: number;
  /** Fresh browser per run; the headline is the median run by totalMs. */
  runs: ColdMeasureResult[];
  /** The same with the index loading while the model loads (overlap=1), alternated with `runs`. */
  overlapRuns: ColdMeasureResult[];
  /** Browser launch + navigation as the driver saw it, per run (not part of totalMs, which starts at navigation). */
  launchMs: number[];
  parts: ColdPartsResult;
}

export interface ColdStartOptions {
  executablePath: string;
  args: string[];
  origin: string;
  events: number;
  runs: number;
  log: (message: string) => void;
}

async function loadPage<T extends ColdStartPageResult>(context: BrowserContext, url: string, log: (message: string) => void): Promise<T> {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.text().startsWith('[retrieval]')) log(message.text());
  });
  await page.goto(url);
  await page.waitForFunction(() => 'coldResult' in window || 'coldError' in window, null, { timeout: 600_000, polling: 200 });
  const { coldResult, coldError } = await page.evaluate(() => {
    const output = window as unknown as { coldResult?: ColdStartPageResult; coldError?: string };
    return { coldResult: output.coldResult, coldError: output.coldError };
  });
  if (!coldResult) throw new Error(`cold-start page failed: ${coldError ?? 'unknown error'}`);
  return coldResult as T;
}

export async function runColdStart(options: ColdStartOptions): Promise<ColdStartResult> {
  const profile = mkdtempSync(join(tmpdir(), 'persona-cold-start-'));
  const launch = () => chromium.launchPersistentContext(profile, { executablePath: options.executablePath, args: options.args, headless: true });
  const page = (params: Record<string, string>) => `${options.origin}/bench/retrieval/cold-start.html?${new URLSearchParams({ events: String(options.events), ...params })}`;
  try {
    let started = performance.now();
    let context = await launch();
    const setup = await loadPage<ColdSetupResult>(context, page({ phase: 'setup' }), options.log);
    await context.close();
    const setupWallMs = performance.now() - started;
    options.log(`cold start: setup of ${options.events} events in ${(setupWallMs / 1_000).toFixed(1)} s (record ${setup.recordMs.toFixed(0)} ms, vectors ${setup.appendVectorsMs.toFixed(0)} ms)`);
    const runs: ColdMeasureResult[] = [];
    const overlapRuns: ColdMeasureResult[] = [];
    const launchMs: number[] = [];
    for (let run = 0; run < options.runs; run++) {
      for (const overlap of [false, true]) {
        started = performance.now();
        context = await launch();
        launchMs.push(performance.now() - started);
        try {
          const result = await loadPage<ColdMeasureResult>(context, page({ phase: 'measure', query: setup.query, overlap: overlap ? '1' : '0' }), options.log);
          (overlap ? overlapRuns : runs).push(result);
        } finally {
          await context.close();
        }
      }
    }
    context = await launch();
    let parts: ColdPartsResult;
    try {
      parts = await loadPage<ColdPartsResult>(context, page({ phase: 'parts' }), options.log);
    } finally {
      await context.close();
    }
    return { events: options.events, setup, setupWallMs, runs, overlapRuns, launchMs, parts };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The run whose total is the median (the lower middle one for an even count). */
export function medianRun(runs: readonly ColdMeasureResult[]): ColdMeasureResult | undefined {
  return [...runs].sort((a, b) => a.totalMs - b.totalMs)[(runs.length - 1) >> 1];
}
