// A full store in real Chromium, through createPersona() (issue 9, item 4). Persona's database lives in a Storage
// Bucket created with a 3 MB quota, which the browser enforces on IndexedDB. (On this Chromium, CDP's
// Storage.overrideQuotaForOrigin does not bind IndexedDB at all: a 5 MB value is stored under an override 10 kB above
// usage. It binds OPFS, which tests/e2e/model-download-faults.test.ts uses.) Persona itself stops writes that add data
// a reserve short of the quota (store/storage-budget.ts), so deletions always have room for their bookkeeping.
// First test: a record() that does not fit fails with QuotaExceededStorageError and leaves a full export exactly as it
// was; reads, search and export keep working; a retention policy set while full frees space, and the refused batch
// then fits. The embedder is pointed at a folder with no model there, so no background vector write can change the
// store between the two exports compared. Second test: with the embedder writing vectors in the background, what it
// cannot write stays queued, the store still stops short of the quota, and after retention the queue finishes.
import { afterAll, expect, test } from 'vitest';
import { QuotaExceededStorageError } from '../../../src/core/errors';
import type { HistoryEventInput } from '../../../src/core/history-event';
import type { Persona } from '../../../src/persona';
import { reserveFor } from '../../../src/store/storage-budget';
import { fullExport, personaOpener } from '../../support/personas';
import { seededRandom } from '../../support/seeded-random';

const BUCKET = `persona-quota-${crypto.randomUUID()}`;
const EMBEDDING_BUCKET = `persona-quota-embedding-${crypto.randomUUID()}`;
const QUOTA = 3_000_000;
const open = personaOpener(`persona-quota-db`, { storage: { name: BUCKET, quota: QUOTA }, embedderModels: '/no-models-here/' });
const openWithEmbedder = personaOpener(`persona-quota-db`, { storage: { name: EMBEDDING_BUCKET, quota: QUOTA } });

afterAll(async () => {
  const buckets = (navigator as unknown as { storageBuckets: { delete(name: string): Promise<void> } }).storageBuckets;
  await buckets.delete(BUCKET);
  await buckets.delete(EMBEDDING_BUCKET);
});

/** Records batches of 40 notes until the browser refuses one: how many were stored, and the refused batch. */
async function fillUntilRefused(persona: Persona): Promise<{ stored: number; refused: HistoryEventInput[]; refusal: unknown }> {
  let stored = 0;
  for (let batch = 0; batch < 200; batch++) {
    const inputs = Array.from({ length: 40 }, (_, index) => note(batch, index));
    try {
      stored += (await persona.record(inputs)).length;
    } catch (refusal) {
      return { stored, refused: inputs, refusal };
    }
  }
  throw new Error('the browser never refused a write: the bucket quota did not bind');
}

const random = seededRandom(9_004);

/** A note of ~1,500 characters of letter soup: it neither compresses well on disk nor repeats keywords. */
function note(batch: number, index: number): HistoryEventInput {
  const words = Array.from({ length: 250 }, () => Array.from({ length: 5 }, () => String.fromCharCode(97 + Math.floor(random() * 26))).join(''));
  return { kind: 'note', text: `batch${batch} note${index} ${words.join(' ')}` };
}

test('a record() past the quota is QuotaExceededStorageError and keeps nothing; reads work; retention frees room for it', async () => {
  const persona = await open();
  const usage = await persona.storage.usage();
  // The usage and quota reported are the bucket's, not the origin's.
  expect(usage.quotaBytes).toBe(QUOTA);

  const { stored, refused, refusal } = await fillUntilRefused(persona);
  expect(refusal).toBeInstanceOf(QuotaExceededStorageError);
  expect((refusal as Error).message).toMatch(/Storage is full/);
  expect(stored).toBeGreaterThan(0);
  expect((await persona.storage.usage()).events).toBe(stored);

  // No model: nothing embeds in the background.
  expect((await persona.status()).intelligence).toMatchObject({ phase: 'failed', embedded: 0 });

  // The same batch again: refused again, and a full export (events, postings, vectors, settings) is unchanged by it.
  const before = await fullExport(persona);
  await expect(persona.record(refused)).rejects.toBeInstanceOf(QuotaExceededStorageError);
  expect(await fullExport(persona)).toEqual(before);

  // Reads keep working while full: listing, keyword search, export (above).
  const newest = (await persona.events.list({ limit: 3 })).events;
  expect(newest).toHaveLength(3);
  const probe = (newest[0]?.text ?? '').split(' ')[5] ?? '';
  const found = await persona.retrieve(probe, { limit: 3 });
  expect(found.hits.map((hit) => hit.id)).toContain(newest[0]?.id);

  // A retention policy set while full deletes the oldest half, and the refused batch now fits.
  const keep = Math.floor(stored / 2);
  const removed = await persona.storage.setRetention({ maxEvents: keep });
  expect(removed.deleted).toHaveLength(stored - keep);
  const written = await persona.record(refused);
  expect(written).toHaveLength(refused.length);
  // The policy stays: the store keeps `keep` events, the new batch among them (the oldest go first).
  expect((await persona.storage.usage()).events).toBe(keep);
  expect((await persona.events.get(written.map((event) => event.id))).every((event) => event !== undefined)).toBe(true);
});

test('with the embedder writing vectors in the background, the store still stops short of the quota; retention then trims it and the queue finishes', async () => {
  const persona = await openWithEmbedder();
  const { stored, refusal } = await fillUntilRefused(persona);
  expect(refusal).toBeInstanceOf(QuotaExceededStorageError);
  // Nothing the embedder could not write is lost: it stays queued (embedded + pending = stored).
  await expect
    .poll(async () => (await persona.status()).intelligence, { timeout: 60_000 })
    .toSatisfy(
      (status: { phase: string; embedded: number; pending: number; problem?: string }) =>
        status.embedded + status.pending === stored && (status.pending === 0 || /Storage is full/.test(status.problem ?? '')),
    );
  // Persona stopped short of the quota: at least half the reserve is still free for deletions.
  const usage = await persona.storage.usage();
  expect((usage.usageBytes ?? QUOTA) + reserveFor(QUOTA) / 2).toBeLessThan(QUOTA);

  const keep = Math.floor(stored / 3);
  const removed = await persona.storage.setRetention({ maxEvents: keep });
  expect(removed.deleted).toHaveLength(stored - keep);
  await expect.poll(async () => (await persona.status()).intelligence, { timeout: 120_000 }).toMatchObject({ phase: 'ready', pending: 0, embedded: keep });
});
