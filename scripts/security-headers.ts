// The HTTP headers Persona is served with. The Content-Security-Policy lets the app reach its own origin and the
// configured model hosts only: personal data has nowhere else to go. COOP/COEP make the page cross-origin
// isolated, which multi-threaded WASM inference needs.

export interface SecurityHeaderOptions {
  /** Origins model files may be downloaded from, e.g. 'https://models.example.org'. Empty: the app's own origin. */
  modelHosts?: readonly string[];
  /** Vite's dev server injects inline styles for hot reload; production never gets this relaxation. */
  dev?: boolean;
  /** Origins that may embed the page besides its own (the widget frame's host sites). Default: none. */
  frameAncestors?: readonly string[];
}

/**
 * Names that stand for a model service's hosts: the service itself and the CDNs its file URLs redirect to (a
 * download from the hub answers with a redirect to a CDN host, which connect-src must allow as well).
 */
export const MODEL_HOST_PRESETS: Readonly<Record<string, readonly string[]>> = {
  huggingface: [
    'https://huggingface.co',
    'https://cdn-lfs.huggingface.co',
    'https://cdn-lfs-us-1.huggingface.co',
    'https://cdn-lfs-eu-1.huggingface.co',
    'https://cdn-lfs.hf.co',
    'https://cdn-lfs-us-1.hf.co',
    'https://cdn-lfs-eu-1.hf.co',
    'https://cas-bridge.xethub.hf.co',
  ],
  // web-llm's compiled model libraries.
  'mlc-libs': ['https://raw.githubusercontent.com'],
};

/**
 * PERSONA_MODEL_HOSTS as origins: comma-separated origins and preset names ('huggingface,https://models.example.org'),
 * each origin once. A path, a query or anything but http(s) is refused: connect-src takes origins.
 */
export function modelHostsFrom(setting: string | undefined): string[] {
  return originsFrom(setting, 'PERSONA_MODEL_HOSTS', MODEL_HOST_PRESETS, 'https://models.example.org');
}

/**
 * PERSONA_WIDGET_HOSTS as origins: the host sites allowed to embed the isolated widget frame and talk to it
 * (comma-separated bare origins, 'https://recipes.example,https://news.example'). No presets: each site is named.
 */
export function widgetHostsFrom(setting: string | undefined): string[] {
  return originsFrom(setting, 'PERSONA_WIDGET_HOSTS', {}, 'https://recipes.example');
}

function originsFrom(setting: string | undefined, name: string, presets: Readonly<Record<string, readonly string[]>>, example: string): string[] {
  const hosts = new Set<string>();
  for (const entry of (setting ?? '').split(',').map((h) => h.trim()).filter(Boolean)) {
    const preset = presets[entry];
    if (preset) {
      for (const host of preset) hosts.add(host);
      continue;
    }
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      const presetNames = Object.keys(presets);
      throw new Error(`${name}: "${entry}" is ${presetNames.length > 0 ? `neither an origin (https://host) nor one of ${presetNames.join(', ')}` : 'not an origin (https://host)'}`);
    }
    if (!['https:', 'http:'].includes(url.protocol) || url.origin !== entry.replace(/\/$/, '')) {
      throw new Error(`${name}: "${entry}" must be a bare http(s) origin such as ${example}`);
    }
    hosts.add(url.origin);
  }
  return [...hosts];
}

export function contentSecurityPolicy({ modelHosts = [], dev = false, frameAncestors = [] }: SecurityHeaderOptions = {}): string {
  for (const host of [...modelHosts, ...frameAncestors]) {
    const url = new URL(host);
    if (url.origin !== host.replace(/\/$/, '')) throw new Error(`CSP host entry must be a bare origin: ${host}`);
  }
  const connect = ["'self'", ...modelHosts, ...(dev ? ['ws:'] : [])].join(' ');
  return [
    "default-src 'self'",
    // WASM inference (llama.cpp, onnxruntime) compiles modules at run time; no other eval is allowed.
    "script-src 'self' 'wasm-unsafe-eval'",
    // wllama starts its worker from a blob: URL.
    "worker-src 'self' blob:",
    `connect-src ${connect}`,
    "img-src 'self' data: blob:",
    dev ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${["'self'", ...frameAncestors].join(' ')}`,
  ].join('; ');
}

export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

export function securityHeaders(options: SecurityHeaderOptions = {}): Record<string, string> {
  return {
    ...ISOLATION_HEADERS,
    'Content-Security-Policy': contentSecurityPolicy(options),
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
  };
}

/**
 * What the widget's files (its script, its chunks, workers and wasm, the bundled embedder model) are served with, on
 * top of the rest: a host page of another origin imports them as modules and fetches them, which needs CORS, and a
 * host that is itself cross-origin isolated (COEP require-corp) may load them only with CORP cross-origin. They are
 * public build files, the same for everyone: nothing personal is ever served from Persona's origin.
 */
export const WIDGET_ASSET_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Cross-Origin-Resource-Policy': 'cross-origin',
} as const;

/** The isolated widget frame's page (a second page of the build, embedded by host sites). */
export const WIDGET_FRAME_PAGE = '/widget-frame.html';

/**
 * The widget frame page's headers: the app's, except that the allowed host sites may embed it (frame-ancestors) and
 * load it under their own cross-origin isolation (CORP). Every other page keeps frame-ancestors 'self'.
 */
export function widgetFrameHeaders(options: SecurityHeaderOptions & { widgetHosts: readonly string[] }): Record<string, string> {
  const { widgetHosts, ...rest } = options;
  return {
    ...securityHeaders({ ...rest, frameAncestors: widgetHosts }),
    'Cross-Origin-Resource-Policy': 'cross-origin',
  };
}
