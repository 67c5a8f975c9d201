// Real 404s under the model path. Vite's dev and preview servers answer any unknown URL with index.html and status
// 200 (single-page-app fallback); a model loader that asks for a missing file then receives HTML, fails with
// "Unexpected token '<'" or "protobuf parsing failed", and web-llm even caches the HTML as if it were the model.
// Under MODEL_PATH a file is served only if it exists; anything else is a plain 404.
import { existsSync, statSync } from 'node:fs';
import { join, normalize, resolve, sep } from 'node:path';
import type { Connect, Plugin } from 'vite';

/** Where self-hosted model files live in the app (public/models/ in the source, dist/models/ in the build). */
export const MODEL_PATH = '/models/';

function missingModelFiles(root: () => string): Connect.NextHandleFunction {
  return (req, res, next) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!path.startsWith(MODEL_PATH)) {
      next();
      return;
    }
    const file = normalize(join(root(), path));
    const inside = file.startsWith(normalize(root()) + sep);
    if (inside && existsSync(file) && statSync(file).isFile()) {
      next();
      return;
    }
    res.statusCode = 404;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end(`Not found: ${path}`);
  };
}

export function modelFilesNotFound(): Plugin {
  let publicDir = '';
  let outDir = '';
  return {
    name: 'persona-model-files-404',
    configResolved(config) {
      publicDir = config.publicDir;
      // resolve, not join: the e2e build's outDir is an absolute temporary folder.
      outDir = resolve(config.root, config.build.outDir);
    },
    configureServer(server) {
      server.middlewares.use(missingModelFiles(() => publicDir));
    },
    configurePreviewServer(server) {
      server.middlewares.use(missingModelFiles(() => outDir));
    },
  };
}
