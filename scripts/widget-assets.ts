// The embeddable widget's place in the build and on the server: its entry's stable file name (hosts link to it), and
// the cross-origin headers its files are served with by the dev and preview servers (see WIDGET_ASSET_HEADERS).
import type { Connect, Plugin } from 'vite';
import { WIDGET_ASSET_HEADERS } from './security-headers.ts';
import { WIDGET_ENTRY_FILE } from './size-budget.ts';

/** The widget's entry name in the build's input. */
export const WIDGET_ENTRY = 'persona-widget';
/** Where the build puts it: unhashed, so a host's <script src> never goes stale. */
export const WIDGET_FILE = WIDGET_ENTRY_FILE;

/** Paths a host page of another origin loads when it embeds the widget: the script, the build's assets, the bundled models. */
export function isWidgetAsset(pathname: string): boolean {
  return pathname === `/${WIDGET_FILE}` || pathname.startsWith('/assets/') || pathname.startsWith('/models/');
}

export function widgetAssetMiddleware(): Connect.NextHandleFunction {
  return (req, res, next) => {
    const { pathname } = new URL(req.url ?? '/', 'http://x');
    if (isWidgetAsset(pathname)) {
      for (const [name, value] of Object.entries(WIDGET_ASSET_HEADERS)) res.setHeader(name, value);
    }
    next();
  };
}

export function widgetAssetHeaders(): Plugin {
  return {
    name: 'persona-widget-asset-headers',
    configureServer(server) {
      server.middlewares.use(widgetAssetMiddleware());
    },
    configurePreviewServer(server) {
      server.middlewares.use(widgetAssetMiddleware());
    },
  };
}
