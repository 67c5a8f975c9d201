// The HTTP headers Persona is served with. The Content-Security-Policy lets the app reach its own origin and the
// configured model hosts only: personal data has nowhere else to go. COOP/COEP make the page cross-origin
// isolated, which multi-threaded WASM inference needs.

export interface SecurityHeaderOptions {
  /** Origins model files may be downloaded from, e.g. 'https://models.example.org'. Empty: the app's own origin. */
  modelHosts?: readonly string[];
  /** Vite's dev server injects inline styles for hot reload; production never gets this relaxation. */
  dev?: boolean;
}

export function contentSecurityPolicy({ modelHosts = [], dev = false }: SecurityHeaderOptions = {}): string {
  for (const host of modelHosts) {
    const url = new URL(host);
    if (url.origin !== host.replace(/\/$/, '')) throw new Error(`modelHosts entry must be a bare origin: ${host}`);
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
    "frame-ancestors 'self'",
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
