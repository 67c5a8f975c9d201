// Erases everything Persona keeps on this device: the IndexedDB database and the caches Persona owns (its own, and
// the model caches of the inference libraries it uses, which can hold fine-tuned adapters). Other tabs are told
// first, so they drop their views of the data instead of failing on a closed database.
import { PersonaError } from '../../core/errors';
import { changeChannel, type ChangeMessage } from '../change-feed';
import { StoreConnection } from '../connection';

/**
 * Cache Storage names Persona owns: an entry ending in '*' matches every name starting with what precedes it.
 * Persona's own caches, transformers.js's model cache, and WebLLM's caches.
 */
export const PERSONA_CACHES: readonly string[] = ['persona-*', 'transformers-cache', 'webllm/*'];

export interface WipeOptions {
  /** Cache names (same '*' patterns as PERSONA_CACHES) to delete instead of the defaults; [] keeps every cache. */
  cacheNames?: readonly string[];
  /** How long to wait for another tab that keeps the database open before giving up. Default 10 s. */
  blockedTimeoutMs?: number;
}

export interface WipeReport {
  database: string;
  cachesDeleted: string[];
}

export function matchesCache(name: string, patterns: readonly string[] = PERSONA_CACHES): boolean {
  return patterns.some((pattern) => (pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern));
}

export async function wipeAll(target: StoreConnection | { connection: StoreConnection }, options: WipeOptions = {}): Promise<WipeReport> {
  const connection = target instanceof StoreConnection ? target : target.connection;
  await announceWipe(connection);
  connection.close();
  await deleteDatabase(connection.place.indexedDB, connection.name, options.blockedTimeoutMs ?? 10_000);
  return { database: connection.name, cachesDeleted: await deleteCaches(options.cacheNames ?? PERSONA_CACHES) };
}

async function announceWipe(connection: StoreConnection): Promise<void> {
  const message: Omit<ChangeMessage, 'db' | 'origin'> = { seq: 0, changes: [], lifecycle: 'wiped' };
  if (connection.closed) {
    // This connection's feed is closed (another tab upgraded or deleted the database); tell the others directly.
    const channel = changeChannel(connection.channelKey);
    channel.postMessage({ ...message, db: connection.name, origin: connection.origin } satisfies ChangeMessage);
    channel.close();
    return;
  }
  // The wipe is the change after the last committed one.
  const last = await connection.read(['meta']).objectStore('meta').get('changes');
  connection.announce({ ...message, seq: (last?.key === 'changes' ? last.seq : 0) + 1 });
}

function deleteDatabase(factory: IDBFactory, name: string, blockedTimeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const request = factory.deleteDatabase(name);
    request.onsuccess = () => {
      clearTimeout(timer);
      resolve();
    };
    request.onerror = () => {
      clearTimeout(timer);
      reject(request.error ?? new PersonaError(`Could not delete the database ${name}.`));
    };
    // Persona's own connections close on versionchange, so "blocked" means a connection that does not: say so
    // rather than wait forever. The deletion stays queued and completes once that connection closes.
    request.onblocked = () => {
      timer ??= setTimeout(() => {
        reject(
          new PersonaError(
            `Another tab or worker keeps Persona's database "${name}" open. Close it to finish the wipe; it completes once that tab closes.`,
          ),
        );
      }, blockedTimeoutMs);
    };
  });
}

async function deleteCaches(patterns: readonly string[]): Promise<string[]> {
  // Absent in Node and in insecure contexts: then there are no caches to delete.
  if (typeof caches === 'undefined' || patterns.length === 0) return [];
  const names = (await caches.keys()).filter((name) => matchesCache(name, patterns));
  const deleted: string[] = [];
  for (const name of names) if (await caches.delete(name)) deleted.push(name);
  return deleted;
}
