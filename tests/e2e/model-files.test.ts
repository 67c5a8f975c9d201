// Under /models/ the preview server (what `npm start` runs) answers a missing file with a real 404, not the
// single-page app's index.html with status 200: a model loader must never mistake HTML for a model.
import { expect, inject, test } from 'vitest';

const baseURL = inject('baseURL');

test('a missing model file is a real 404, with the isolation headers', async () => {
  const response = await fetch(new URL('models/no-such-model/model.gguf', baseURL));
  expect(response.status).toBe(404);
  expect(response.headers.get('content-type')).not.toContain('text/html');
  await response.body?.cancel();
});

test('a bundled model file is served as it is', async () => {
  const response = await fetch(new URL('models/persona-glove-100d/config.json', baseURL));
  expect(response.status).toBe(200);
  expect(((await response.json()) as { model_type?: string }).model_type).toBeTruthy();
});

test('outside the model path the app still falls back to index.html', async () => {
  const response = await fetch(new URL('some/app/route', baseURL));
  expect(response.status).toBe(200);
  expect(await response.text()).toContain('<persona-app');
});
