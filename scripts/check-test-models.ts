// Runs first in `npm test`, beside the Chromium check: the LLM tests load the real stories260K model from the shared
// test data beside the repository (never copied into it). Stop at once, saying where it was looked for, when it is
// missing or is not the file the tests expect.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testModelsDir } from '../tests/support/test-model-server.ts';

const STORIES = { file: 'stories260K.gguf', sha256: '270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d' };

const path = join(testModelsDir(process.cwd()), STORIES.file);
if (!existsSync(path)) {
  console.error(`The LLM tests need ${STORIES.file}, looked for at ${path}. Put the shared test data (shared/models) beside this repository, or set PERSONA_TEST_MODELS to its folder.`);
  process.exit(1);
}
const digest = createHash('sha256').update(readFileSync(path)).digest('hex');
if (digest !== STORIES.sha256) {
  console.error(`${path} is not the expected stories260K model (sha256 ${digest}, expected ${STORIES.sha256}).`);
  process.exit(1);
}
console.log(`LLM tests use ${path}`);
