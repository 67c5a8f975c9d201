// The lock panel of the Data & privacy view as a person uses it, in the built app: set a passphrase, lock, find the
// raw IndexedDB unreadable, be told plainly about a wrong passphrase, and unlock to the same data. Nothing may
// leave the origin, and the page logs no errors.
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { BrowserSession, test } from './browser-session';

const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 30_000, interval: 100 });
const SECRETS = ['gooseberrysonata', 'lapislazuliferry', 'cardamomlighthouse'];

async function openPrivacy(session: BrowserSession): Promise<Page> {
  const page = await session.newPage();
  await page.goto('/#data');
  await page.getByRole('heading', { name: 'Data & privacy' }).waitFor();
  await page.waitForFunction(() => document.querySelector('persona-app')?.persona !== undefined, undefined, { timeout: 60_000 });
  return page;
}

/** The user's data as the public API reads it. */
function snapshot(page: Page) {
  return page.evaluate(async () => {
    const persona = document.querySelector('persona-app')?.persona;
    if (!persona) throw new Error('the engine is not open');
    const { events } = await persona.events.list({ limit: 1000, order: 'asc' });
    return { events, memories: await persona.memories.list(), profile: await persona.profile.get() };
  });
}

/** Which of `needles` occur in any string or byte array of any record of the app's databases, read raw. */
function rawFind(page: Page, needles: string[]): Promise<string[]> {
  return page.evaluate(async (words) => {
    const found = new Set<string>();
    const scan = (value: unknown): void => {
      let text: string | undefined;
      if (typeof value === 'string') text = value;
      else if (value instanceof ArrayBuffer) text = new TextDecoder().decode(value);
      else if (ArrayBuffer.isView(value)) text = new TextDecoder().decode(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) [k, v].forEach(scan);
      for (const word of words) if (text?.toLowerCase().includes(word)) found.add(word);
    };
    for (const info of await indexedDB.databases()) {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(info.name as string);
        request.onsuccess = () => { resolve(request.result); };
        request.onerror = () => { reject(request.error ?? new Error('IndexedDB request failed')); };
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const all = await new Promise<unknown[]>((resolve, reject) => {
          const request = db.transaction(store, 'readonly').objectStore(store).getAll();
          request.onsuccess = () => { resolve(request.result as unknown[]); };
          request.onerror = () => { reject(request.error ?? new Error('IndexedDB request failed')); };
        });
        scan(all);
      }
      db.close();
    }
    return [...found].sort();
  }, needles);
}

describe('the lock panel', () => {
  test('set a passphrase, lock, a wrong passphrase is named, unlock restores the same data', async ({ session }) => {
    const page = await openPrivacy(session);
    await page.evaluate(async (words) => {
      const persona = document.querySelector('persona-app')?.persona;
      if (!persona) throw new Error('the engine is not open');
      await persona.record({ kind: 'note', text: `Listening to the ${words[0]} again` });
      await persona.memories.add({ text: `Took the ${words[1]} last summer` });
      await persona.profile.setPreference('scent', words[2] as string);
    }, SECRETS);
    const before = await snapshot(page);
    expect(await rawFind(page, SECRETS)).toEqual([...SECRETS].sort());

    await page.getByLabel('New lock passphrase').fill('a long walk by the canal');
    await page.getByLabel('Repeat the lock passphrase').fill('a long walk by the canal');
    await page.getByRole('button', { name: 'Set the lock passphrase' }).click();
    await eventually(() => page.getByText('Your data is unlocked.').count()).toBe(1);
    // Unlocked, the text is already sealed at rest: a browser closed now leaves none of it readable.
    expect(await rawFind(page, SECRETS)).toEqual([]);

    await page.getByRole('button', { name: 'Lock now' }).click();
    await eventually(() => page.getByText('Your data is locked.').count()).toBe(1);
    expect(await rawFind(page, SECRETS)).toEqual([]);
    const refused = await page.evaluate(() => document.querySelector('persona-app')?.persona?.events.list().then(() => 'read', (error: unknown) => (error as Error).name));
    expect(refused).toBe('LockedError');

    await page.getByLabel('Lock passphrase', { exact: true }).fill('a short walk');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await eventually(() => page.locator('persona-lock-panel [role="alert"]').textContent()).toMatch(/Wrong passphrase/);
    expect(await rawFind(page, SECRETS)).toEqual([]);

    await page.getByLabel('Lock passphrase', { exact: true }).fill('a long walk by the canal');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await eventually(() => page.getByText('Unlocked: everything is back.').count()).toBe(1);
    expect(await snapshot(page)).toEqual(before);

    // The auto-lock time is chosen in the panel and kept with the lock.
    await page.getByLabel('Lock by itself').selectOption({ label: '15 minutes' });
    await eventually(() => page.getByText('Your data locks after 15 minutes without use.').count()).toBe(1);
    const autoLockMs = await page.evaluate(async () => (await document.querySelector('persona-app')?.persona?.lock.status())?.autoLockMs);
    expect(autoLockMs).toBe(15 * 60_000);
    session.expectCleanRun();
  });
});
