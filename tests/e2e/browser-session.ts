// The e2e tests' browser: the system Chromium with the project's flags, one fresh context per test, and a log of
// every request its pages, their workers and any service worker make, so each test can show nothing left the origin.
import { chromium, type Browser, type BrowserContext, type LaunchOptions, type Page, type Request } from 'playwright-core';
import { expect, inject, test as base } from 'vitest';
import { CHROMIUM_ARGS, findChromium, INSTALL_HINT } from '../../scripts/chromium.ts';

/** One request as the browser context saw it. */
export interface RecordedRequest {
  url: string;
  method: string;
  /** Playwright's resource type: 'document', 'script', 'fetch', … */
  resourceType: string;
  /** A page (or a worker it started) or a service worker. */
  initiator: 'page' | 'service-worker';
  /** How it ended, once it has: the HTTP status, or the network error (e.g. net::ERR_BLOCKED_BY_CSP). */
  outcome?: { status: number } | { failure: string };
}

export class BrowserSession {
  /** Every request, in the order the context saw them. */
  readonly requests: RecordedRequest[] = [];
  /** Uncaught exceptions thrown in any page of the context. */
  readonly pageErrors: string[] = [];
  /** console.error output of any page (the browser logs CSP violations here too). */
  readonly consoleErrors: string[] = [];
  readonly #entries = new Map<Request, RecordedRequest>();

  private constructor(
    readonly context: BrowserContext,
    /** The built app, e.g. 'http://127.0.0.1:40123/'. */
    readonly baseURL: string,
  ) {
    // A context's request events cover its pages, the dedicated and shared workers they start, and (in Chromium,
    // unless PLAYWRIGHT_DISABLE_SERVICE_WORKER_NETWORK is set) its service workers. Requests Chromium makes for
    // itself (update or account hosts) belong to no context; the launch flags keep those quiet.
    context.on('request', (request) => {
      const entry: RecordedRequest = {
        url: request.url(),
        method: request.method(),
        resourceType: request.resourceType(),
        initiator: request.serviceWorker() ? 'service-worker' : 'page',
      };
      this.#entries.set(request, entry);
      this.requests.push(entry);
    });
    context.on('requestfailed', (request) => {
      const entry = this.#entries.get(request);
      if (entry) entry.outcome = { failure: request.failure()?.errorText ?? 'unknown failure' };
    });
    context.on('response', (response) => {
      const entry = this.#entries.get(response.request());
      if (entry) entry.outcome = { status: response.status() };
    });
    context.on('weberror', (error) => {
      this.pageErrors.push(String(error.error()));
    });
    context.on('console', (message) => {
      if (message.type() === 'error') this.consoleErrors.push(message.text());
    });
  }

  /**
   * A fresh context (its own IndexedDB, caches and service workers). `bypassCSP` stays false unless a test of the
   * audit itself needs to make a request the policy would stop: the app must work under, and be protected by, its
   * real Content-Security-Policy. The service worker is blocked unless asked for: its precache (~70 MB) would
   * download in the background of every test; the PWA tests allow it. `firstRun` opens the app as a new visitor
   * would, with its first-run screen.
   */
  static async open(browser: Browser, baseURL: string, options: { bypassCSP?: boolean; serviceWorkers?: 'allow' | 'block'; firstRun?: boolean } = {}): Promise<BrowserSession> {
    const context = await browser.newContext({ baseURL, bypassCSP: options.bypassCSP ?? false, serviceWorkers: options.serviceWorkers ?? 'block' });
    if (options.firstRun !== true) await welcomed(context);
    return new BrowserSession(context, baseURL);
  }

  /**
   * A context on a profile folder of its own, as a person's browser profile is: what the browser refuses to
   * incognito-like contexts (installing the app) works here. Closing the session closes its browser.
   */
  static async persistent(userDataDir: string, baseURL: string): Promise<BrowserSession> {
    if (executablePath === undefined) throw new Error(INSTALL_HINT);
    const context = await chromium.launchPersistentContext(userDataDir, { executablePath, args: CHROMIUM_ARGS, baseURL, serviceWorkers: 'allow' });
    await welcomed(context);
    return new BrowserSession(context, baseURL);
  }

  /** The app's origin, e.g. 'http://127.0.0.1:40123'. */
  get origin(): string {
    return new URL(this.baseURL).origin;
  }

  /** A new tab in this context; tabs share storage (IndexedDB, BroadcastChannel) like a person's tabs do. */
  async newPage(): Promise<Page> {
    return this.context.newPage();
  }

  /** Requests whose destination is not `origin`. Only data: URLs are left out (see `leavesOrigin`). */
  requestsOutside(origin: string = this.origin): RecordedRequest[] {
    return this.requests.filter((request) => leavesOrigin(request.url, origin));
  }

  /** Fails the test, listing the offenders, if any request went anywhere but `origin`. */
  expectNothingLeftOrigin(origin: string = this.origin): void {
    expect(this.requestsOutside(origin), `requests outside ${origin}`).toEqual([]);
  }

  /** What every test of the app ends with: nothing left the origin, no page threw, nothing logged an error. */
  expectCleanRun(): void {
    this.expectNothingLeftOrigin();
    expect(this.pageErrors, 'uncaught page errors').toEqual([]);
    expect(this.consoleErrors, 'console errors').toEqual([]);
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

/**
 * Whether fetching `url` would reach beyond `origin`. A data: URL carries its content inline and touches no network,
 * so it never leaves. A blob: URL names memory in the browser; its origin (what `new URL()` reports) is the origin
 * that created it, so it is judged like any other URL. Anything unparsable counts as leaving.
 */
export function leavesOrigin(url: string, origin: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return true;
  }
  if (parsed.protocol === 'data:') return false;
  return parsed.origin !== origin;
}

/** A test meets the app as a returning visitor unless it asks for the first-run screen (src/app/persona-first-run.ts). */
async function welcomed(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    // Runs in every document, about:blank too, whose storage is off limits.
    if (location.protocol.startsWith('http')) localStorage.setItem('persona.welcomed', 'e2e test');
  });
}

const executablePath = findChromium();

/**
 * Vitest fixtures for e2e tests: `launchOptions` (per worker, overridable), `browser` (one Chromium per test file),
 * `session` (a fresh context per test; its request log is printed when the test fails) and `baseURL`.
 */
export const test = base
  .extend('launchOptions', { scope: 'worker' }, { executablePath, args: CHROMIUM_ARGS } satisfies LaunchOptions)
  .extend('browser', { scope: 'file' }, async ({ launchOptions }, { onCleanup }) => {
    if (launchOptions.executablePath === undefined) throw new Error(INSTALL_HINT);
    const browser = await chromium.launch(launchOptions);
    onCleanup(async () => {
      await browser.close();
    });
    return browser;
  })
  .extend('baseURL', { scope: 'worker' }, inject('baseURL'))
  .extend('session', async ({ browser, baseURL, onTestFailed }, { onCleanup }) => {
    const session = await BrowserSession.open(browser, baseURL);
    onTestFailed(() => {
      console.error('Requests seen by the failed test:\n' + formatRequests(session.requests));
      if (session.pageErrors.length > 0) console.error('Page errors:\n' + session.pageErrors.join('\n'));
    });
    onCleanup(async () => {
      await session.close();
    });
    return session;
  });

function formatRequests(requests: readonly RecordedRequest[]): string {
  return requests
    .map((request) => {
      const outcome = request.outcome === undefined ? 'pending' : 'status' in request.outcome ? String(request.outcome.status) : request.outcome.failure;
      return `  ${request.method} ${request.url} (${request.resourceType}, ${request.initiator}) → ${outcome}`;
    })
    .join('\n');
}
