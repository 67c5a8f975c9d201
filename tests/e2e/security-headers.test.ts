// The built app is served with Persona's security headers, and the browser enforces them: the page is
// cross-origin isolated, and its Content-Security-Policy stops injected inline scripts and requests to other hosts.
// The network here is closed, so a failed fetch proves nothing by itself: enforcement is shown by the browser's
// securitypolicyviolation event, by the effect not happening, and by the request never being issued.
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { modelHostsFrom, securityHeaders } from '../../scripts/security-headers.ts';
import { test, type BrowserSession } from './browser-session';

// The same rule vite.config.ts uses to read the model hosts the build may download from.
const modelHosts = modelHostsFrom(process.env.PERSONA_MODEL_HOSTS);

interface Violation {
  effectiveDirective: string;
  blockedURI: string;
  disposition: string;
}

async function openApp(session: BrowserSession): Promise<Page> {
  const page = await session.newPage();
  await page.goto('/');
  await expect.poll(() => page.evaluate(() => document.querySelector('persona-app')?.persona !== undefined), { timeout: 60_000 }).toBe(true);
  return page;
}

describe('security headers', () => {
  test('the page carries the CSP and isolation headers and is cross-origin isolated', async ({ session }) => {
    const page = await session.newPage();
    const response = await page.goto('/');
    expect(response?.status()).toBe(200);
    const served = await response?.allHeaders();
    const expected = securityHeaders({ modelHosts });
    expect(expected['Content-Security-Policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
    for (const [name, value] of Object.entries(expected)) {
      expect(served?.[name.toLowerCase()], name).toBe(value);
    }
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    // The app itself runs under this policy without tripping it: its engine opens and its first view renders.
    await expect.poll(() => page.evaluate(() => document.querySelector('persona-app')?.persona !== undefined), { timeout: 60_000 }).toBe(true);
    await page.getByRole('navigation', { name: 'Persona' }).waitFor();
    expect(session.consoleErrors).toEqual([]);
    session.expectNothingLeftOrigin();
  });

  test('an injected inline script is refused and does not run', async ({ session }) => {
    const page = await openApp(session);
    const outcome = await page.evaluate(() => {
      // page.evaluate itself is not subject to the page's CSP (it runs over DevTools); the <script> it adds is.
      return new Promise<{ violation?: Violation; ran: boolean }>((resolve) => {
        document.addEventListener(
          'securitypolicyviolation',
          (event) => {
            const { effectiveDirective, blockedURI, disposition } = event;
            resolve({ violation: { effectiveDirective, blockedURI, disposition }, ran: 'personaInjected' in window });
          },
          { once: true },
        );
        const script = document.createElement('script');
        script.textContent = 'window.personaInjected = true;';
        document.head.append(script);
        // An allowed inline script runs during append(): if it did, report that at once instead of waiting for an
        // event that will never come.
        if ('personaInjected' in window) resolve({ ran: true });
      });
    });
    expect(outcome).toEqual({
      violation: { effectiveDirective: 'script-src-elem', blockedURI: 'inline', disposition: 'enforce' },
      ran: false,
    });
    expect(await page.evaluate(() => 'personaInjected' in window)).toBe(false);
    session.expectNothingLeftOrigin();
  });

  test('a fetch to another host is refused by connect-src before it leaves', async ({ session }) => {
    const page = await openApp(session);
    const outcome = await page.evaluate(async () => {
      const violation = new Promise<Violation>((resolve) => {
        document.addEventListener(
          'securitypolicyviolation',
          (event) => {
            const { effectiveDirective, blockedURI, disposition } = event;
            resolve({ effectiveDirective, blockedURI, disposition });
          },
          { once: true },
        );
      });
      let result: string;
      try {
        const response = await fetch('https://example.org/');
        result = `response ${response.status}`;
      } catch (error) {
        result = error instanceof Error ? error.name : 'non-error rejection';
      }
      return { result, violation: await violation };
    });
    expect(outcome).toEqual({
      result: 'TypeError',
      violation: { effectiveDirective: 'connect-src', blockedURI: 'https://example.org/', disposition: 'enforce' },
    });
    // Chromium refuses it in the page, before any request exists: the context's request log (which does see
    // cross-origin requests, see app.test.ts) has no trace of it.
    session.expectNothingLeftOrigin();
  });

  test('a model host outside the build\'s list is refused by name, naming the setting, before any request', async ({ session }) => {
    const page = await openApp(session);
    const refused = await page.evaluate(async () => {
      try {
        await document.querySelector('persona-app')?.persona?.models.load({ id: 'elsewhere', gguf: { url: 'https://models.example.org/model.gguf' } });
        return 'loaded';
      } catch (error) {
        return { name: (error as Error).name, message: (error as Error).message };
      }
    });
    expect(refused).toMatchObject({ name: 'ModelHostNotAllowedError' });
    expect((refused as { message: string }).message).toContain('Add https://models.example.org to PERSONA_MODEL_HOSTS');
    session.expectNothingLeftOrigin();
  });
});
