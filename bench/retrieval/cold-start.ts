// Entry of the cold-start page (see bench/retrieval/cold-start-run.ts). It imports nothing statically, so the time
// at which it runs is the page's first script, and loading the engine's code is timed apart (dynamic import).
import type { ColdStartPageResult } from './cold-start-run';

const firstScriptMs = performance.now();
const output = window as unknown as { coldResult?: ColdStartPageResult; coldError?: string };
import('./cold-start-run')
  .then(async (module) => module.runColdStartPage(new URLSearchParams(location.search), firstScriptMs, performance.now()))
  .then(
    (result) => {
      output.coldResult = result;
    },
    (error: unknown) => {
      output.coldError = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
    },
  );
