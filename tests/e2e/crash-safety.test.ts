// Crash safety (issue 9, item 2): while the built app records 5,000 events and embeds them, the renderer is crashed
// or the whole browser is SIGKILLed at 20 seeded-random moments. After each restart every event whose record()
// resolved is there exactly once, nothing is half-written (the store holds whole batches, each event intact), and
// recording resumes; at the end the embedding queue finishes every event. The browser runs on a profile folder of
// its own, launched by the test so it can kill the process outright.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, expect, inject, test } from 'vitest';
import { CHROMIUM_ARGS, findChromium } from '../../scripts/chromium.ts';
import { leavesOrigin } from './browser-session';
import { seededRandom } from '../support/seeded-random';

const TOTAL = 5_000;
const BATCH = 10;
/** A pause between batches, so that recording lasts across the 20 kills, as a visitor's does. */
const PAUSE_MS = 15;
const KILLS = 20;
const WORDS = ['pasta', 'hiking', 'jazz', 'budget', 'garden', 'novel', 'football', 'sourdough', 'museum', 'camera'];

const baseURL = inject('baseURL');
const profile = mkdtempSync(join(tmpdir(), 'persona-crash-'));
const outside: string[] = [];
let running: { child: ChildProcess; browser: Browser } | undefined;

afterAll(async () => {
  const child = running?.child;
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
  // Chromium's helper processes may still be letting go of the profile for a moment.
  rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
});

/** Starts Chromium on the test's profile folder and connects to it; the child process is ours to kill. */
async function launch(): Promise<{ child: ChildProcess; browser: Browser }> {
  const executable = findChromium();
  if (!executable) throw new Error('no Chromium found');
  const child = spawn(executable, [...CHROMIUM_ARGS, '--headless=new', `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let log = '';
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(log);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => { reject(new Error(`Chromium exited (${String(code)}) before listening: ${log.slice(-800)}`)); });
  });
  const browser = await chromium.connectOverCDP(endpoint);
  return { child, browser };
}

/** Opens the app in a new tab, records where its requests go, and waits for its engine. */
async function openApp(browser: Browser): Promise<Page> {
  const context = browser.contexts()[0] ?? (await browser.newContext());
  const page = await context.newPage();
  page.on('request', (request) => {
    if (leavesOrigin(request.url(), new URL(baseURL).origin)) outside.push(request.url());
  });
  await page.goto(baseURL);
  await expect.poll(() => page.evaluate(() => document.querySelector('persona-app')?.persona !== undefined), { timeout: 60_000 }).toBe(true);
  return page;
}

/** Every stored event's id and text, read through the app's engine. */
function storedEvents(page: Page): Promise<{ id: string; text: string }[]> {
  return page.evaluate(async () => {
    const persona = document.querySelector('persona-app')?.persona;
    if (!persona) throw new Error('the app has no engine');
    const all: { id: string; text: string }[] = [];
    let after: { id: string; ts: number } | undefined;
    for (;;) {
      const { events } = await persona.events.list({ order: 'asc', limit: 1_000, ...(after ? { after } : {}) });
      if (events.length === 0) return all;
      all.push(...events.map(({ id, text }) => ({ id, text })));
      const last = events.at(-1);
      after = last ? { id: last.id, ts: last.ts } : undefined;
    }
  });
}

const textOf = (n: number) => `event ${n}: about ${WORDS[n % WORDS.length] ?? ''} and more ${WORDS[(n * 7) % WORDS.length] ?? ''}`;

/**
 * Records batches from `next` until TOTAL in the page, in the background; `acked` hears of each batch once its
 * record() resolved. Timestamps follow the numbering, so listing by time lists by number.
 */
async function startRecording(page: Page, next: number, acked: (upTo: number) => void): Promise<void> {
  await page.exposeBinding('personaAcked', (_source, upTo: number) => { acked(upTo); }).catch(() => undefined);
  await page.evaluate(
    ({ next, total, batch, words, pause }) => {
      const persona = document.querySelector('persona-app')?.persona;
      if (!persona) throw new Error('the app has no engine');
      const text = (n: number) => `event ${n}: about ${words[n % words.length] ?? ''} and more ${words[(n * 7) % words.length] ?? ''}`;
      void (async () => {
        for (let first = next; first < total; first += batch) {
          const size = Math.min(batch, total - first);
          await persona.record(Array.from({ length: size }, (_, i) => ({ id: `ev-${String(first + i).padStart(5, '0')}`, ts: Date.UTC(2026, 0, 1) + (first + i) * 1_000, kind: 'note' as const, text: text(first + i) })));
          await (window as unknown as { personaAcked: (upTo: number) => Promise<void> }).personaAcked(first + size);
          await new Promise((resolve) => setTimeout(resolve, pause));
        }
      })();
    },
    { next, total: TOTAL, batch: BATCH, words: WORDS, pause: PAUSE_MS },
  );
}

test('20 crashes of the renderer or the browser while 5,000 events are recorded and embedded lose nothing that was acknowledged', { timeout: 900_000 }, async () => {
  const random = seededRandom(20261126);
  let acked = 0;
  running = await launch();
  let page = await openApp(running.browser);
  const kinds: string[] = [];

  for (let kill = 0; kill <= KILLS; kill++) {
    // What is stored: whole batches from the first, each event intact, none twice; everything acknowledged is there.
    const stored = await storedEvents(page);
    expect(new Set(stored.map((e) => e.id)).size).toBe(stored.length);
    expect(stored.length % BATCH === 0 || stored.length === TOTAL).toBe(true);
    expect(stored.length).toBeGreaterThanOrEqual(acked);
    stored.forEach((event, n) => {
      expect(event).toEqual({ id: `ev-${String(n).padStart(5, '0')}`, text: textOf(n) });
    });
    if (kill === KILLS) break;

    await startRecording(page, stored.length, (upTo) => { acked = Math.max(acked, upTo); });
    await new Promise((resolve) => setTimeout(resolve, 200 + random() * 800));
    if (kill % 2 === 0) {
      // The renderer dies (its workers with it); the browser stays and the app opens in a new tab.
      kinds.push(`renderer at ${acked}`);
      const cdp = await page.context().newCDPSession(page);
      // Page.crash never answers (the renderer it would answer from is gone): don't wait for it.
      void cdp.send('Page.crash').catch(() => undefined);
      await new Promise<void>((resolve) => page.once('crash', () => { resolve(); }));
      await page.close().catch(() => undefined);
    } else {
      // The whole browser is killed with no chance to clean up, and started again on the same profile.
      kinds.push(`browser at ${acked}`);
      running.child.kill('SIGKILL');
      await new Promise((resolve) => running?.child.once('exit', resolve));
      running = await launch();
    }
    page = await openApp(running.browser);
  }

  // The rest is recorded, and the embedding queue finishes every event, however often it was interrupted.
  const stored = (await storedEvents(page)).length;
  if (stored < TOTAL) {
    const done = new Promise<void>((resolve) => {
      void startRecording(page, stored, (upTo) => { if (upTo >= TOTAL) resolve(); });
    });
    await done;
  }
  expect((await storedEvents(page)).length).toBe(TOTAL);
  console.info(`crash-safety: killed the ${kinds.join(', ')} (events acknowledged at each kill)`);
  await expect
    .poll(() => page.evaluate(async () => (await document.querySelector('persona-app')?.persona?.status())?.intelligence), { timeout: 600_000, interval: 1_000 })
    .toMatchObject({ phase: 'ready', pending: 0, embedded: TOTAL });
  const hits = await page.evaluate(async () => (await document.querySelector('persona-app')?.persona?.retrieve('sourdough', { limit: 3 }))?.hits.length);
  expect(hits).toBe(3);
  expect(kinds).toHaveLength(KILLS);
  expect(outside).toEqual([]);
});
