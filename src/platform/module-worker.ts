// Every module worker Persona starts goes through here. A worker cannot be started from a cross-origin URL, and a
// widget served from Persona's origin runs on a host page of another origin; so when the worker script is not on
// the origin of the code starting it, a same-origin blob: module is started instead whose only line imports the real
// script (a module import may cross origins where the server allows it with CORS). The worker then runs at the
// starting page's origin — its IndexedDB, locks and channels are the page's, as in same-origin mode they must be —
// while its code, chunks and assets still come from Persona's origin (they resolve against import.meta.url).
import { bundledUrl } from './bundled-url';

/**
 * Starts the worker built from `scriptUrl` (a `?worker&url` import, so the bundler builds it) as a module worker.
 * Same origin: directly, exactly as `new Worker(url, { type: 'module' })`. Cross-origin: through a blob: bootstrap.
 */
export function startModuleWorker(scriptUrl: string | URL, options: { name?: string } = {}): Worker {
  const url = bundledUrl(scriptUrl);
  const init: WorkerOptions = { type: 'module', ...(options.name === undefined ? {} : { name: options.name }) };
  if (url.origin === self.location.origin) return new Worker(url, init);
  const bootstrap = URL.createObjectURL(new Blob([`import ${JSON.stringify(url.href)};\n`], { type: 'text/javascript' }));
  try {
    return new Worker(bootstrap, init);
  } finally {
    // The worker holds on to the blob it was started from (the URL is resolved when it is constructed), so the URL
    // can go at once and nothing is left behind in the page.
    URL.revokeObjectURL(bootstrap);
  }
}
