// Runs first in `npm test`, beside the Chromium check: the LLM tests load the real stories260K model from the shared
// test data beside the repository (never copied into it). When it is missing, say loudly which tests will not run;
// when it is there but not the file the tests expect, stop.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NEEDS_TEST_MODELS, testModelsDir } from '../tests/support/test-model-server.ts';

const STORIES = { file: 'stories260K.gguf', sha256: '270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d' };

const path = join(testModelsDir(process.cwd()), STORIES.file);
if (!existsSync(path)) {
  // Missing data is not a broken build: the tests that load the model are left out (vite.config.ts), said here.
  console.warn(
    `WARNING: ${STORIES.file} was not found (looked for at ${path}): the ${NEEDS_TEST_MODELS.length} browser and e2e test files that load it will NOT run.\n` +
      'Put the shared test data (shared/models) beside this repository, or set PERSONA_TEST_MODELS to its folder.',
  );
  process.exit(0);
}
const digest = createHash('sha256').update(readFileSync(path)).digest('hex');
if (digest !== STORIES.sha256) {
  console.error(`${path} is not the expected stories260K model (sha256 ${digest}, expected ${STORIES.sha256}).`);
  process.exit(1);
}
console.log(`LLM tests use ${path}`);
