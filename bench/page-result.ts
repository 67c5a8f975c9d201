// How a benchmark page hands its result to the Node driver: the page publishes it on `window` (or the error that
// stopped it), and the driver waits for either. One protocol for every Chromium benchmark.
import type { Page } from 'playwright';

interface Published<T> {
  benchResult?: T;
  benchError?: string;
}

/** In the page: run the benchmark and publish what came of it. */
export function publishBenchResult<T>(run: Promise<T>): void {
  const output = window as unknown as Published<T>;
  run.then(
    (result) => {
      output.benchResult = result;
    },
    (error: unknown) => {
      output.benchError = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
    },
  );
}

/** In the driver: open the page and wait for its published result; a published error is thrown here. */
export async function readBenchResult<T>(page: Page, url: string, timeoutMs: number): Promise<T> {
  await page.goto(url);
  await page.waitForFunction(() => 'benchResult' in window || 'benchError' in window, null, { timeout: timeoutMs, polling: 500 });
  const { benchResult, benchError } = await page.evaluate(() => {
    const output = window as unknown as Published<unknown>;
    return { benchResult: output.benchResult, benchError: output.benchError };
  });
  if (benchResult === undefined) throw new Error(`benchmark failed in the page: ${benchError ?? 'unknown error'}`);
  return benchResult as T;
}

