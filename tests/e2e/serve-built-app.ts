// Global setup of the e2e project: build the app exactly as `npm start` does (vite.config.ts, production mode), serve
// it with `vite preview` on a free loopback port, and hand its URL to the tests. The build goes to a folder of its own
// per run, so two runs at once (or a run beside `npm start`) never serve each other's half-written files.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview, type PreviewServer } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the built app is served, e.g. 'http://127.0.0.1:40123/' (always ends with '/'). */
    baseURL: string;
    /** The folder it is served from (the PWA test publishes a "new version" of the service worker there). */
    distDir: string;
  }
}

const root = fileURLToPath(new URL('../..', import.meta.url));

export default async function serveBuiltApp(project: TestProject): Promise<() => Promise<void>> {
  const outDir = mkdtempSync(join(tmpdir(), 'persona-e2e-dist-'));
  // Vitest runs with NODE_ENV=test, which would resolve packages' development builds (Lit's dev mode among them):
  // the tests must see what `npm start` ships.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root, mode: 'production', logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  // Port 0: the OS picks a free port, so parallel runs and a developer's `npm start` never collide.
  const server: PreviewServer = await preview({
    root,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, strictPort: true, open: false },
  });
  const address = server.httpServer.address();
  if (address === null || typeof address === 'string') {
    await server.close();
    throw new Error(`vite preview did not report a TCP address (got ${String(address)})`);
  }
  project.provide('baseURL', `http://127.0.0.1:${address.port}/`);
  project.provide('distDir', outDir);
  return async () => {
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
  };
}
