// Serves the real test models (../shared/models, or PERSONA_TEST_MODELS) to browser tests under /test-models/, the
// way a model host would: Content-Length, ETag, byte ranges (for resumed downloads), real 404s; and, under
// /test-spa-fallback/, the HTML-with-status-200 a single-page app answers for a file it does not have. Two query
// parameters play a bad network: `rate=<bytes per second>` sends slowly, `cut=<bytes>` drops the connection after
// that many bytes of the body. Test-only: the app and its build never see this.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Connect, Plugin } from 'vite';
import { HUB_MIRROR_MODEL, TEST_HUB_PATH } from './test-hub.ts';

export const TEST_MODELS_PATH = '/test-models/';
/** Every URL under here answers an HTML page with status 200: a single-page app's fallback for a missing file. */
export const SPA_FALLBACK_PATH = '/test-spa-fallback/';


/** The real model the LLM tests load. */
export const TEST_MODEL_FILE = 'stories260K.gguf';

/**
 * Where the shared test models are: PERSONA_TEST_MODELS, else the first `shared/models` holding the test model in
 * the repository's parent folders (normally <root>/../shared/models); that default path when none does.
 */
export function testModelsDir(root: string): string {
  if (process.env.PERSONA_TEST_MODELS) return resolve(process.env.PERSONA_TEST_MODELS);
  for (let dir = resolve(root, '..'); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared/models');
    if (existsSync(join(candidate, TEST_MODEL_FILE))) return candidate;
    if (dirname(dir) === dir) return resolve(root, '../shared/models');
  }
}

/** Whether the shared test model is there: without it the tests that load it cannot run (see vite.config.ts). */
export function hasTestModels(root: string): boolean {
  return existsSync(join(testModelsDir(root), TEST_MODEL_FILE));
}

/** Browser test files that load the real test model. */
export const NEEDS_TEST_MODELS = [
  'tests/browser/llm/wllama-worker.test.ts',
  'tests/browser/llm/model-file-cache.test.ts',
  'tests/browser/llm/model-manager.test.ts',
  'tests/browser/llm/shared-chat-backend.test.ts',
  'tests/browser/engine/persona-engine.test.ts',
  'tests/browser/engine/create-persona.test.ts',
  'tests/browser/engine/rank-rerank.test.ts',
  'tests/browser/widget/connect-isolated.test.ts',
  'tests/e2e/chat.test.ts',
  'tests/e2e/profile.test.ts',
  'tests/e2e/model-download-faults.test.ts',
  'tests/e2e/models.test.ts',
  'tests/e2e/xss.test.ts',
  'tests/e2e/widget-ask.test.ts',
  'tests/e2e/widget-isolated-ask.test.ts',
];

/**
 * Sends the file's bytes at `rate` bytes/s at most and, with `cut`, stops after that many: the bytes before the cut
 * are flushed to the socket first and the socket then closed cleanly (FIN), so the client always receives them and
 * sees a body shorter than its Content-Length. (Erroring a stream pipeline instead destroys the response with its
 * unflushed bytes: on a loaded machine the client then gets nothing at all, which is a different fault.)
 */
async function sendBadly(res: ServerResponse, file: string, range: { start: number; end: number }, rate?: number, cut?: number): Promise<void> {
  let sent = 0;
  for await (const chunk of createReadStream(file, range) as AsyncIterable<Buffer>) {
    if (res.destroyed) return;
    const piece = cut === undefined ? chunk : chunk.subarray(0, Math.max(0, cut - sent));
    if (rate) await new Promise((resolve) => setTimeout(resolve, (piece.length / rate) * 1_000));
    sent += piece.length;
    const flushed = new Promise<void>((resolve) => {
      res.write(piece, () => {
        resolve();
      });
    });
    if (cut !== undefined && sent >= cut) {
      await flushed;
      res.socket?.end();
      return;
    }
    if (res.writableNeedDrain) await once(res, 'drain');
  }
  res.end();
}

function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  const match = /^bytes=(\d+)-(\d*)$/.exec(header ?? '');
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = match[2] ? Math.min(size - 1, Number(match[2])) : size - 1;
  return start <= end ? { start, end } : undefined;
}

export function testModelServer(): Plugin {
  return {
    name: 'persona-test-model-server',
    // The dev server serves the browser tests, the preview server the e2e tests of the built app.
    configureServer(server) {
      server.middlewares.use(testModelMiddleware(testModelsDir(server.config.root), server.config.root));
    },
    configurePreviewServer(server) {
      server.middlewares.use(testModelMiddleware(testModelsDir(server.config.root), server.config.root));
    },
  };
}

/** The bundled model's file a hub-layout mirror URL names, or undefined. */
function hubMirrorFile(pathname: string, root: string): string | undefined {
  const prefix = `${TEST_HUB_PATH}${HUB_MIRROR_MODEL}/resolve/main/`;
  if (!pathname.startsWith(prefix)) return undefined;
  const relative = decodeURIComponent(pathname.slice(prefix.length));
  if (relative.split('/').some((part) => part === '..' || part === '')) return undefined;
  return join(root, 'public/models/persona-glove-100d', relative);
}

function testModelMiddleware(dir: string, root: string): Connect.NextHandleFunction {
  return (req, res, next) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith(SPA_FALLBACK_PATH)) {
      res.statusCode = 200;
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end('<!doctype html><html><body><persona-app></persona-app></body></html>');
      return;
    }
    const hub = url.pathname.startsWith(TEST_HUB_PATH);
    if (!url.pathname.startsWith(TEST_MODELS_PATH) && !hub) {
      next();
      return;
    }
    // A model host serves host pages of other origins too (the widget's e2e test loads the model cross-origin):
    // CORS, the headers a resumed download reads, and a preflight for its If-Range.
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', 'Content-Length, Content-Range, ETag, Accept-Ranges');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    if (req.method === 'OPTIONS') {
      res.statusCode = 204;
      res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD');
      res.setHeader('Access-Control-Allow-Headers', 'Range, If-Range');
      res.end();
      return;
    }
    const file = hub ? hubMirrorFile(url.pathname, root) : join(dir, basename(decodeURIComponent(url.pathname)));
    if (file === undefined || !existsSync(file) || !statSync(file).isFile()) {
      res.statusCode = 404;
      res.end(`Not found: ${url.pathname}`);
      return;
    }
    const { size, mtimeMs } = statSync(file);
    const etag = `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
    const rangeApplies = !(req.headers['if-range'] && req.headers['if-range'] !== etag);
    const range = rangeApplies ? parseRange(req.headers.range, size) : undefined;
    if (rangeApplies && range === undefined && /^bytes=(\d+)-$/.exec(req.headers.range ?? '') && Number(/\d+/.exec(req.headers.range ?? '')?.[0]) >= size) {
      // A range that starts at or past the end, as a resume of a file already whole asks: 416, as model hosts answer.
      res.statusCode = 416;
      res.setHeader('Content-Range', `bytes */${size}`);
      res.end();
      return;
    }
    const { start, end } = range ?? { start: 0, end: size - 1 };
    res.statusCode = range ? 206 : 200;
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Length', String(end - start + 1));
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'no-store');
    if (range) res.setHeader('Content-Range', `bytes ${start}-${end}/${size}`);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const rate = Number(url.searchParams.get('rate')) || undefined;
    const cutParam = url.searchParams.get('cut');
    const cut = cutParam === null ? undefined : Number(cutParam);
    sendBadly(res, file, { start, end }, rate, cut).catch(() => {
      // A client that went away or a read error: end the socket so the client sees a broken body.
      res.destroy();
    });
  };
}
