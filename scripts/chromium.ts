// Where the tests find a Chromium and how they start it. Playwright's own browser download cannot run on closed
// networks, so the tests drive a system Chromium (Debian's package) instead.
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** The Chromium binary the tests use: CHROME_PATH when set, else the first system install found. */
export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return CANDIDATES.find((path) => existsSync(path));
}

export const INSTALL_HINT =
  'No Chromium found for the browser tests. Install one with `sudo apt-get install -y chromium` ' +
  '(Debian/Ubuntu), or set CHROME_PATH to a Chromium or Chrome binary.';

/**
 * Flags verified on GPU-less machines: WebGPU through SwiftShader needs the unsafe flag, and the background
 * networking flags stop Chromium from flooding a closed network with requests of its own.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--enable-unsafe-webgpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
