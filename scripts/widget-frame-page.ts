// Serves the isolated widget frame's page with its own headers (security-headers.ts widgetFrameHeaders): the allowed
// host sites may embed it, while every other page keeps frame-ancestors 'self'. Vite sets its configured headers on
// each response after plugin middlewares have run, so for the frame's page those headers are pinned: a later
// setHeader of a pinned name keeps the frame's value. A real deployment serves the same headers for that one path.
import type { ServerResponse } from 'node:http';
import type { Connect, Plugin } from 'vite';
import { WIDGET_FRAME_PAGE } from './security-headers.ts';

function pinHeaders(res: ServerResponse, headers: Readonly<Record<string, string>>): void {
  const pinned = new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name: string, value: number | string | readonly string[]) => setHeader(name, pinned.get(name.toLowerCase()) ?? value);
  for (const [name, value] of Object.entries(headers)) setHeader(name, value);
}

type Headers = Readonly<Record<string, string>>;

function frameHeaders(headers: Headers): Connect.NextHandleFunction {
  return (req, res, next) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname === WIDGET_FRAME_PAGE) pinHeaders(res, headers);
    next();
  };
}

/** The widget frame page's headers in the preview server and, where given, the dev server. */
export function widgetFramePage(headers: { preview: Headers; dev?: Headers }): Plugin {
  return {
    name: 'persona-widget-frame-page',
    configurePreviewServer(server) {
      server.middlewares.use(frameHeaders(headers.preview));
    },
    configureServer(server) {
      if (headers.dev) server.middlewares.use(frameHeaders(headers.dev));
    },
  };
}
