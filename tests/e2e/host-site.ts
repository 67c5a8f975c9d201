// A host site for the widget's tests: a tiny static server for one folder (the example recipe site) at
// http://localhost:<port>, a different site from Persona's preview at http://127.0.0.1:<port>. Like a real host it
// sends no COOP/COEP and no CSP of its own, and it knows nothing of Persona.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };

export interface HostSite {
  /** e.g. 'http://localhost:40123' */
  origin: string;
  close(): Promise<void>;
}

export async function serveHostSite(folder: string): Promise<HostSite> {
  const root = normalize(folder + sep);
  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://host');
    const file = normalize(join(root, pathname === '/' ? 'index.html' : decodeURIComponent(pathname)));
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      res.statusCode = 404;
      res.end('not found');
      return;
    }
    res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the host site did not get a TCP port');
  return {
    // localhost, not 127.0.0.1: another site than Persona's preview server.
    origin: `http://localhost:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}
