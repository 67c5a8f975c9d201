// Where a Persona database lives: the origin's default storage, or a Storage Bucket of its own. A bucket lets the host
// cap what Persona may keep (the browser then refuses writes past that quota, as it does at the origin's quota), and
// lets the browser evict or keep Persona's data apart from the host site's. Everything that opens, deletes or
// measures the database goes through one place, so a database in a bucket is never looked for outside it.
import { InvalidInputError } from '../core/errors';

/** A Storage Bucket for Persona's database (Chromium 122+; navigator.storageBuckets). */
export interface StorageBucketOptions {
  /** The bucket's name: lowercase letters, digits, '_' and '-', starting with a letter or digit, at most 64. */
  name: string;
  /**
   * The most bytes the browser lets the bucket hold. Fixed when the bucket is first created: a later open with
   * another quota keeps the first (the Storage Buckets API's rule).
   */
  quota?: number;
  /** Ask the browser to keep the bucket under storage pressure (it may still refuse). */
  persisted?: boolean;
}

/** The part of the Storage Buckets API Persona uses. */
interface StorageBucket {
  readonly indexedDB: IDBFactory;
  estimate(): Promise<StorageEstimate>;
  persist(): Promise<boolean>;
  persisted(): Promise<boolean>;
}

interface StorageBucketManager {
  open(name: string, options?: { quota?: number; persisted?: boolean }): Promise<StorageBucket>;
}

export interface StoragePlace {
  /** The bucket's name, or undefined for the origin's default storage. */
  readonly bucket: string | undefined;
  readonly indexedDB: IDBFactory;
  /** Usage and quota of this place (the bucket's own, or the origin's). */
  estimate(): Promise<StorageEstimate>;
  persist(): Promise<boolean>;
  persisted(): Promise<boolean>;
  /**
   * Names a database of this place in cross-tab channels, so a database in a bucket and one of the same name in the
   * default storage never hear each other.
   */
  channelKey(databaseName: string): string;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** The origin's default storage, where Persona keeps its data unless the host names a bucket. */
export function defaultStoragePlace(): StoragePlace {
  return {
    bucket: undefined,
    // Read when used, not when imported: Node tests install fake-indexeddb as the global after loading modules.
    get indexedDB() {
      return globalThis.indexedDB;
    },
    estimate: () => navigator.storage.estimate(),
    persist: () => navigator.storage.persist(),
    persisted: () => navigator.storage.persisted(),
    channelKey: (databaseName) => databaseName,
  };
}

/** Checks a bucket request before anything opens; throws InvalidInputError naming the field. */
export function validateStorageBucket(options: StorageBucketOptions): void {
  if (typeof (options as unknown) !== 'object' || (options as unknown) === null) throw new InvalidInputError('storage', 'must be an object like { name, quota }');
  if (typeof options.name !== 'string' || !BUCKET_NAME.test(options.name)) {
    throw new InvalidInputError('storage.name', "must be 1–64 lowercase letters, digits, '_' or '-', starting with a letter or digit");
  }
  if (options.quota !== undefined && (!Number.isSafeInteger(options.quota) || options.quota <= 0)) {
    throw new InvalidInputError('storage.quota', 'must be a positive whole number of bytes');
  }
  if (options.persisted !== undefined && typeof options.persisted !== 'boolean') throw new InvalidInputError('storage.persisted', 'must be true or false');
}

/**
 * The place named by `bucket`: the default storage when it is undefined, else that Storage Bucket, created on first
 * use. A browser without Storage Buckets is an InvalidInputError rather than a silent fallback: the host asked for a
 * cap, and data written elsewhere would not be found again once the bucket exists.
 */
export async function openStoragePlace(bucket: StorageBucketOptions | undefined): Promise<StoragePlace> {
  if (bucket === undefined) return defaultStoragePlace();
  validateStorageBucket(bucket);
  const manager = (globalThis.navigator as { storageBuckets?: StorageBucketManager } | undefined)?.storageBuckets;
  if (!manager) throw new InvalidInputError('storage', 'needs the Storage Buckets API (navigator.storageBuckets), which this browser lacks; leave it out to use the default storage');
  // Durability is left to the browser's default, as for the default storage's IndexedDB.
  const opened = await manager.open(bucket.name, {
    ...(bucket.quota === undefined ? {} : { quota: bucket.quota }),
    ...(bucket.persisted === undefined ? {} : { persisted: bucket.persisted }),
  });
  return {
    bucket: bucket.name,
    indexedDB: opened.indexedDB,
    estimate: () => opened.estimate(),
    persist: () => opened.persist(),
    persisted: () => opened.persisted(),
    channelKey: (databaseName) => `bucket:${bucket.name}/${databaseName}`,
  };
}
