// A host site for the isolated widget e2e test, on another site than Persona: a page that embeds Persona's frame
// with connectIsolated() (bundled here as a host developer would bundle the library), and a third site's page that
// tries to talk to the frame from inside the host page, as an ad or a compromised widget would.
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** connect-isolated.ts as one ES module, built in memory. */
export async function bundleConnectIsolated(): Promise<string> {
  const result = (await build({
    configFile: false,
    root,
    logLevel: 'warn',
    build: { write: false, minify: false, lib: { entry: 'src/widget/isolated/connect-isolated.ts', formats: ['es'], fileName: 'connect-isolated' } },
  })) as Rolldown.RolldownOutput | Rolldown.RolldownOutput[];
  const output = Array.isArray(result) ? result[0] : result;
  const chunk = output?.output.find((file) => file.type === 'chunk' && file.isEntry);
  if (!chunk || chunk.type !== 'chunk') throw new Error('the connect-isolated bundle has no entry chunk');
  return chunk.code;
}

/** The host page: embeds the frame; `window.connection` is the WidgetConnection once connected. */
export function hostPage(frameUrl: string, options: { strangerUrl?: string; readyTimeoutMs?: number } = {}): string {
  const { strangerUrl, readyTimeoutMs = 60_000 } = options;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Recipes</title></head>
<body>
  <h1>Recipes</h1>
  <div id="widget"></div>
  <script type="module">
    import { connectIsolated } from '/connect-isolated.js';
    try {
      window.connection = await connectIsolated({ frameUrl: ${JSON.stringify(frameUrl)}, container: document.querySelector('#widget'), readyTimeoutMs: ${readyTimeoutMs} });
      window.connected = 'yes';
    } catch (error) {
      window.connected = error.name + ': ' + error.message;
    }
    ${strangerUrl ? `const stranger = document.createElement('iframe'); stranger.src = ${JSON.stringify(strangerUrl)}; document.body.append(stranger);` : ''}
  </script>
</body></html>`;
}

/** A third site's page inside the host page that sends Persona's frame a track request of its own. */
export function strangerPage(frameOrigin: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ad</title></head>
<body><p>An advertisement</p>
  <script>
    // Every frame of the host page gets the request; the browser delivers it to the one at Persona's origin.
    const message = { persona: 1, id: 'planted', method: 'track', args: [{ kind: 'note', text: 'planted by a third site' }] };
    for (let i = 0; i < parent.frames.length; i++) parent.frames[i].postMessage(message, ${JSON.stringify(frameOrigin)});
    window.sent = true;
  </script>
</body></html>`;
}

/** Serves `pages` (path → HTML) and the bundle at /connect-isolated.js on 127.0.0.1 or ::1, at `port` (0: any). */
export async function serveSite(host: '127.0.0.1' | '::1', port: number, pages: Readonly<Record<string, string>>, bundle: string): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://site').pathname;
    if (path === '/connect-isolated.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(bundle);
      return;
    }
    const page = pages[path];
    if (page === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the host site has no TCP address');
  return { server, port: address.port };
}
