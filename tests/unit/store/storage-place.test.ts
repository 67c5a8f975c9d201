// Where a database lives (storage-place.ts). Runs in Node (fake-indexeddb, no Storage Buckets: a bucket request is a
// named error) and in Chromium, where a store opened in a bucket is a different database from the one of the same
// name in the origin's default storage, and its change feed is its own.
import { afterAll, describe, expect, test } from 'vitest';
import { PersonaStore } from '../../../src/store/persona-store';
import { openStoragePlace, validateStorageBucket } from '../../../src/store/storage-place';
import { wipeAll } from '../../../src/store/transfer/wipe';

const hasBuckets = typeof navigator !== 'undefined' && 'storageBuckets' in navigator;

describe('bucket options', () => {
  test.each([
    [{ name: '' }, 'storage.name'],
    [{ name: 'Persona' }, 'storage.name'],
    [{ name: '-persona' }, 'storage.name'],
    [{ name: 'x'.repeat(65) }, 'storage.name'],
    [{ name: 'persona', quota: 0 }, 'storage.quota'],
    [{ name: 'persona', quota: 1.5 }, 'storage.quota'],
    [{ name: 'persona', persisted: 'yes' }, 'storage.persisted'],
    [null, 'storage'],
  ])('%j is refused, naming %s', (options, field) => {
    expect(() => {
      validateStorageBucket(options as never);
    }).toThrow(expect.objectContaining({ name: 'InvalidInputError', field }) as Error);
  });

  test('a good one passes', () => {
    expect(() => {
      validateStorageBucket({ name: 'persona-data_2', quota: 50_000_000, persisted: true });
    }).not.toThrow();
  });

  test('no bucket is the default storage, named by the database alone', async () => {
    const place = await openStoragePlace(undefined);
    expect(place.bucket).toBeUndefined();
    expect(place.channelKey('persona')).toBe('persona');
  });
});

describe.runIf(!hasBuckets)('without the Storage Buckets API', () => {
  test('asking for a bucket is a named error that says how to go without', async () => {
    await expect(PersonaStore.open({ name: `no-buckets-${crypto.randomUUID()}`, storage: { name: 'persona' } })).rejects.toThrow(
      expect.objectContaining({ name: 'InvalidInputError', field: 'storage', message: expect.stringMatching(/Storage Buckets API.*leave it out/) as string }) as Error,
    );
  });
});

describe.runIf(hasBuckets)('in a Storage Bucket', () => {
  const bucket = `persona-place-${crypto.randomUUID()}`;
  const name = `place-${crypto.randomUUID()}`;
  afterAll(async () => {
    await (navigator as unknown as { storageBuckets: { delete(name: string): Promise<void> } }).storageBuckets.delete(bucket);
  });

  test('a store in a bucket is not the default storage’s store of the same name; each hears only its own changes', async () => {
    const inBucket = await PersonaStore.open({ name, storage: { name: bucket, quota: 20_000_000 } });
    await inBucket.record({ kind: 'note', text: 'kept in the bucket' });
    // The origin's default storage does not hold it; the bucket does, under its own quota.
    expect((await indexedDB.databases()).some((info) => info.name === name)).toBe(false);
    expect((await inBucket.connection.place.indexedDB.databases()).map((info) => info.name)).toEqual([name]);
    expect((await inBucket.connection.place.estimate()).quota).toBe(20_000_000);

    const inDefault = await PersonaStore.open({ name });
    expect(inBucket.channelKey).not.toBe(inDefault.channelKey);
    const heardByDefault: number[] = [];
    inDefault.subscribe((message) => heardByDefault.push(message.seq));
    await inBucket.record({ kind: 'note', text: 'also in the bucket' });
    expect((await inBucket.events.list()).events.map((event) => event.text).sort()).toEqual(['also in the bucket', 'kept in the bucket']);
    expect((await inDefault.events.list()).events).toEqual([]);
    expect(heardByDefault).toEqual([]);

    // A wipe deletes the bucket's database, not the default one.
    await wipeAll(inBucket, { cacheNames: [] });
    expect(await inBucket.connection.place.indexedDB.databases()).toEqual([]);
    expect((await indexedDB.databases()).some((info) => info.name === name)).toBe(true);
    await wipeAll(inDefault, { cacheNames: [] });
  });
});
