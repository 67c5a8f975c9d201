// Where Persona's own files are. A bundled path ('/assets/…', '/models/…') must resolve against the origin Persona's
// code was loaded from, not the page's: a host page may load the widget from another origin, and a worker started
// from a blob: URL (see module-worker.ts) has the page's origin as its location. This module's own URL is always
// in Persona's build, so it is the base.

/** `path` (absolute or relative to Persona's build) as a full URL on the origin Persona's code came from. */
export function bundledUrl(path: string | URL): URL {
  return new URL(path, import.meta.url);
}

/** The origin Persona's code came from: the page's for the app, the widget's when a host page embeds it. */
export function personaOrigin(): string {
  const here = new URL(import.meta.url);
  if (here.protocol === 'http:' || here.protocol === 'https:') return here.origin;
  // Outside a browser (Node tests) the code is a file: the page's origin, if there is a page.
  return typeof location === 'undefined' ? 'null' : location.origin;
}
