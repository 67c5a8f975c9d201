// The widget's chat on a host page of another site (issue 8): `ask` streams an answer from wllama with the real
// stories260K model, loaded cross-origin from the preview's /test-models/ into workers that run at the host's origin
// (single-threaded: the host page is not cross-origin isolated). The model writes nonsense children's stories, so
// the test checks structure: pieces in order that make the answer, Stop, and the panel's turn.
import { describe, expect } from 'vitest';
import { test } from './browser-session';
import { eventually, expectOnlyTheTwoOrigins, openHostPage, useHostSite, watched } from './widget-host-page';

const TIMEOUT = 240_000;
const host = useHostSite();

describe('the widget asks the local model', () => {
  test(
    'ask streams an answer from wllama and stories260K, through the host API and the panel, and Stop keeps what came',
    async ({ session }) => {
      const page = await openHostPage(session, host(), { model: true });
      // A host page as most are: not cross-origin isolated, so no SharedArrayBuffer and llama.cpp runs on one thread.
      expect(await page.evaluate(() => ({ isolated: crossOriginIsolated, shared: typeof SharedArrayBuffer }))).toEqual({ isolated: false, shared: 'undefined' });
      const streamed = await page.evaluate(async () => {
        const widget = document.querySelector('persona-widget');
        if (!widget) throw new Error('no widget');
        const pieces: string[] = [];
        const answer = await widget.ask('Tell me a story about a cat.', { onToken: (piece) => pieces.push(piece) });
        return { pieces, answer };
      });
      expect(streamed.pieces.length).toBeGreaterThan(1);
      expect(streamed.pieces.join('')).toBe(streamed.answer.text);
      expect(streamed.answer.text.trim()).not.toBe('');
      expect(streamed.answer.stopped).toBe(false);
      expect((await watched(page)).answers).toEqual([{ prompt: 'Tell me a story about a cat.', ...streamed.answer }]);

      // Stopped after the first piece: the answer keeps what had come and says it was stopped.
      const stopped = await page.evaluate(async () => {
        const widget = document.querySelector('persona-widget');
        if (!widget) throw new Error('no widget');
        const stop = new AbortController();
        const pieces: string[] = [];
        const answer = await widget.ask('Tell me a long story.', {
          signal: stop.signal,
          onToken: (piece) => {
            pieces.push(piece);
            stop.abort();
          },
        });
        return { pieces, answer };
      });
      expect(stopped.answer.stopped).toBe(true);
      expect(stopped.answer.text).toBe(stopped.pieces.join(''));

      // The panel, by keyboard: the launcher opens it with focus in the question field, Enter asks.
      await page.getByRole('button', { name: 'Ask Persona' }).focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => page.evaluate(() => document.querySelector('persona-widget')?.shadowRoot?.activeElement?.id)).toBe('prompt');
      await page.keyboard.type('What should I cook tonight?');
      await page.keyboard.press('Enter');
      const answer = page.locator('persona-widget .turn.answer').last();
      await eventually(() => answer.getAttribute('aria-busy')).toBe('false');
      expect(await page.locator('persona-widget .turn.user').last().innerText()).toBe('What should I cook tonight?');
      expect((await answer.innerText()).trim()).not.toBe('');
      expect((await watched(page)).errors).toEqual([]);
      expectOnlyTheTwoOrigins(session, host());
    },
    TIMEOUT,
  );

});
