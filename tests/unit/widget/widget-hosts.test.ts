// PERSONA_WIDGET_HOSTS: the deployment's list of host sites that may embed the isolated widget frame. It is parsed
// like PERSONA_MODEL_HOSTS (bare origins only) and becomes the frame page's frame-ancestors; the app's pages keep
// frame-ancestors 'self'.
import { describe, expect, test } from 'vitest';
import { contentSecurityPolicy, securityHeaders, widgetFrameHeaders, widgetHostsFrom } from '../../../scripts/security-headers';
import { allowedWidgetHosts } from '../../../src/widget/isolated/widget-hosts';

describe('widgetHostsFrom', () => {
  test('keeps bare origins, each once', () => {
    expect(widgetHostsFrom('https://recipes.example, http://localhost:5173/,https://recipes.example')).toEqual(['https://recipes.example', 'http://localhost:5173']);
    expect(widgetHostsFrom(undefined)).toEqual([]);
  });

  test.each(['recipes.example', 'https://recipes.example/path', 'ftp://recipes.example', 'huggingface', '*'])('refuses %s, naming the setting', (entry) => {
    expect(() => widgetHostsFrom(entry)).toThrow(/PERSONA_WIDGET_HOSTS/);
  });
});

test("the frame page may be embedded by the listed hosts; the app's pages by no one else", () => {
  const hosts = ['https://recipes.example', 'http://localhost:5173'];
  const frame = widgetFrameHeaders({ widgetHosts: hosts });
  expect(frame['Content-Security-Policy']).toMatch(/frame-ancestors 'self' https:\/\/recipes\.example http:\/\/localhost:5173(;|$)/);
  expect(frame['Cross-Origin-Resource-Policy']).toBe('cross-origin');
  // Everything else as the app has it.
  const app = securityHeaders();
  expect(app['Content-Security-Policy']).toMatch(/frame-ancestors 'self'(;|$)/);
  expect(frame['Content-Security-Policy']?.replace(/frame-ancestors [^;]*/, '')).toBe(app['Content-Security-Policy']?.replace(/frame-ancestors [^;]*/, ''));
  expect(() => contentSecurityPolicy({ frameAncestors: ['https://recipes.example/x'] })).toThrow(/bare origin/);
});

test('the frame build compiles the list in (vite.config.ts define), the same list as its frame-ancestors', () => {
  expect(allowedWidgetHosts()).toEqual(widgetHostsFrom(process.env.PERSONA_WIDGET_HOSTS));
});
