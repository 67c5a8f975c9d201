// Global setup of the e2e project: build the app exactly as `npm start` does (vite.config.ts, production mode), serve
// it with `vite preview` on a free loopback port, and hand its URL to the tests. The build goes to a folder of its own
// per run, so two runs at once (or a run beside `npm start`) never serve each other's half-written files.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
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
    /**
     * A host site on the build's widget allow-list (PERSONA_WIDGET_HOSTS), e.g. 'http://localhost:40124': its port
     * was free when the build started; the isolated widget test serves its host page there.
     */
    widgetHostOrigin: string;
  }
}

/** A loopback port that is free now (the OS picks it). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP address for a free port');
  return address.port;
}

const root = fileURLToPath(new URL('../..', import.meta.url));

export default async function serveBuiltApp(project: TestProject): Promise<() => Promise<void>> {
  const outDir = mkdtempSync(join(tmpdir(), 'persona-e2e-dist-'));
  // Vitest runs with NODE_ENV=test, which would resolve packages' development builds (Lit's dev mode among them):
  // the tests must see what `npm start` ships.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  // The isolated widget frame answers only host sites named at build time (and its CSP lets only them embed it):
  // the test's host site is added to whatever the environment lists, for the build and for the preview's headers.
  const widgetHosts = process.env.PERSONA_WIDGET_HOSTS;
  const widgetHostOrigin = `http://localhost:${await freePort()}`;
  process.env.PERSONA_WIDGET_HOSTS = [widgetHosts, widgetHostOrigin].filter(Boolean).join(',');
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
  if (widgetHosts === undefined) delete process.env.PERSONA_WIDGET_HOSTS;
  else process.env.PERSONA_WIDGET_HOSTS = widgetHosts;
  const address = server.httpServer.address();
  if (address === null || typeof address === 'string') {
    await server.close();
    throw new Error(`vite preview did not report a TCP address (got ${String(address)})`);
  }
  project.provide('baseURL', `http://127.0.0.1:${address.port}/`);
  project.provide('distDir', outDir);
  project.provide('widgetHostOrigin', widgetHostOrigin);
  return async () => {
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
  };
}
