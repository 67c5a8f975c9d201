// Model files on the device, in the origin-private file system (OPFS): downloaded once with progress (bytes, %,
// speed, ETA), cancellable, resumed with an HTTP range request after a cut or a cancel, listed with their sizes and
// deletable. A file counts as cached only once every byte arrived; an error page (a 404, or the HTML a single-page
// app server sends for a missing file) is never stored, so a bad download cannot poison a later load.
import { ModelDownloadError } from '../core/errors';
import { checkModelHost } from './model-hosts';
import { drainInto } from '../platform/eager-drain';

export interface DownloadProgress {
  url: string;
  loadedBytes: number;
  /** Undefined when the server sends no length. */
  totalBytes?: number;
  fraction: number;
  /** Over the last few seconds. */
  bytesPerSecond: number;
  etaSeconds?: number;
  /** Bytes already on the device when this download started (resumed from a partial file). */
  resumedFrom: number;
}

export interface CachedModelFile {
  key: string;
  url: string;
  /** Bytes on the device. */
  size: number;
  totalBytes?: number;
  complete: boolean;
  etag?: string;
  updatedAt: number;
}

export interface DownloadOptions {
  /** What identifies the file in the cache; default the URL. A model id + file name survives a change of host. */
  key?: string;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /**
   * How many times a broken connection is resumed automatically (default 3), each try from the bytes on the device.
   * A try may bring nothing new: Chromium drops what is still in a response's pipe when the connection breaks, so
   * on a busy device a short-lived connection can deliver none of its bytes to the page. Such tries count like any
   * other. Cancelling, HTTP errors and a refused range are never retried.
   */
  retries?: number;
}

/** A connection that broke mid-body: what arrived is kept and the download can resume. */
class BrokenConnection extends Error {
  constructor(
    readonly loaded: number,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

interface Meta {
  key: string;
  url: string;
  etag?: string;
  totalBytes?: number;
  complete: boolean;
  updatedAt: number;
}

const SPEED_WINDOW_MS = 3_000;

/** Bytes missing for `bytes` more to fit this origin's quota (0 when it fits, or when the browser won't say). */
async function storageShortfall(bytes: number): Promise<number> {
  if (bytes <= 0) return 0;
  const estimate = await navigator.storage.estimate().catch(() => undefined);
  if (estimate?.quota === undefined || estimate.usage === undefined) return 0;
  return Math.max(0, bytes - (estimate.quota - estimate.usage));
}

function isQuotaExceeded(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'QuotaExceededError';
}

async function fileName(key: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key));
  return Array.from(new Uint8Array(digest).subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
}

function isNotFound(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'NotFoundError';
}

/** Bytes per second over a sliding window of progress samples. */
class SpeedMeter {
  readonly #samples: { at: number; bytes: number }[] = [];

  sample(bytes: number): number {
    const at = performance.now();
    this.#samples.push({ at, bytes });
    while (this.#samples.length > 2 && at - (this.#samples[0]?.at ?? at) > SPEED_WINDOW_MS) this.#samples.shift();
    const first = this.#samples[0];
    if (!first || at === first.at) return 0;
    return ((bytes - first.bytes) * 1_000) / (at - first.at);
  }
}

export class ModelFileCache {
  private constructor(private readonly dir: FileSystemDirectoryHandle) {}

  /** Opens (creating) the cache folder in this origin's private file system. */
  static async open(folder = 'persona-models'): Promise<ModelFileCache> {
    const root = await navigator.storage.getDirectory();
    return new ModelFileCache(await root.getDirectoryHandle(folder, { create: true }));
  }

  /** The complete file for `key`, or undefined when it is absent or partial. */
  async get(key: string): Promise<File | undefined> {
    const name = await fileName(key);
    const meta = await this.#readMeta(name);
    if (!meta?.complete) return undefined;
    return (await this.dir.getFileHandle(`${name}.bin`)).getFile();
  }

  async download(url: string, { key = url, signal, onProgress, retries = 3 }: DownloadOptions = {}): Promise<File> {
    checkModelHost(url);
    const name = await fileName(key);
    const cached = await this.get(key);
    if (cached) return cached;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#attempt(name, key, url, signal, onProgress);
      } catch (error) {
        if (!(error instanceof BrokenConnection)) throw error;
        if (signal?.aborted) throw new ModelDownloadError(url, 'cancelled', { cause: error.cause });
        if (attempt >= retries) {
          const reason = `the connection broke after ${error.loaded} bytes (${error.message})`;
          throw new ModelDownloadError(url, reason, { cause: error.cause });
        }
      }
    }
  }

  async #attempt(name: string, key: string, url: string, signal: AbortSignal | undefined, onProgress: DownloadOptions['onProgress']): Promise<File> {
    const handle = await this.dir.getFileHandle(`${name}.bin`, { create: true });
    const previous = await this.#readMeta(name);
    // Resume what a previous try left: If-Range (the ETag) makes the server send the whole file if it changed; with
    // no ETag to check, only from the very same URL.
    let offset = previous && (previous.etag !== undefined || previous.url === url) ? (await handle.getFile()).size : 0;

    const headers: Record<string, string> = {};
    if (offset > 0) {
      headers.Range = `bytes=${offset}-`;
      if (previous?.etag) headers['If-Range'] = previous.etag;
    }
    let response: Response;
    try {
      response = await fetch(url, { signal: signal ?? null, headers, cache: 'no-store' });
    } catch (error) {
      throw new ModelDownloadError(url, signal?.aborted ? 'cancelled' : `network error (${String(error)})`, { cause: error });
    }
    if (response.status === 416 && previous?.totalBytes === offset) {
      // Every byte was already here (a try that ended, or was cancelled, just after its last write): say so, and keep it.
      onProgress?.({ url, loadedBytes: offset, totalBytes: offset, fraction: 1, bytesPerSecond: 0, resumedFrom: offset });
      return this.#finish(name, { ...previous, complete: true });
    }
    if (!response.ok) {
      await response.body?.cancel();
      // Nothing worth resuming behind a missing or forbidden file.
      await this.#remove(name);
      throw new ModelDownloadError(url, `the server answered HTTP ${response.status}`);
    }
    if ((response.headers.get('Content-Type') ?? '').includes('text/html')) {
      await response.body?.cancel();
      await this.#remove(name);
      throw new ModelDownloadError(url, 'the server answered with an HTML page, not a model file (a missing file behind a single-page-app fallback?)');
    }
    if (response.status !== 206) offset = 0;
    const length = Number(response.headers.get('Content-Length') ?? NaN);
    const totalBytes = Number.isFinite(length) ? offset + length : undefined;
    const etag = response.headers.get('ETag') ?? undefined;
    const meta: Meta = { key, url, complete: false, updatedAt: Date.now(), ...(etag ? { etag } : {}), ...(totalBytes === undefined ? {} : { totalBytes }) };
    const needed = totalBytes === undefined ? 0 : totalBytes - offset;
    const shortfall = await storageShortfall(needed);
    if (shortfall > 0) {
      await response.body?.cancel();
      // A file that cannot fit is not worth keeping a part of: the space goes back to the user's data.
      await this.#remove(name);
      throw new ModelDownloadError(url, `it needs ${needed} bytes but this site may store only ${needed - shortfall} more (free space by deleting other models or old history, or choose a smaller model)`);
    }
    await this.#writeMeta(name, meta);

    const writable = await handle.createWritable({ keepExistingData: offset > 0 });
    if (offset > 0) await writable.seek(offset);
    let loaded = offset;
    const speed = new SpeedMeter();
    const report = () => {
      const bytesPerSecond = speed.sample(loaded - offset);
      onProgress?.({
        url,
        loadedBytes: loaded,
        fraction: totalBytes ? loaded / totalBytes : 0,
        bytesPerSecond,
        resumedFrom: offset,
        ...(totalBytes === undefined ? {} : { totalBytes }),
        ...(totalBytes !== undefined && bytesPerSecond > 0 ? { etaSeconds: (totalBytes - loaded) / bytesPerSecond } : {}),
      });
    };
    report();
    try {
      if (!response.body) throw new Error('the response has no body');
      await drainInto(response.body, async (chunk) => {
        // Reading runs ahead of writing, so the whole file may be read already when the user cancels: stop here.
        signal?.throwIfAborted();
        await writable.write(chunk);
        loaded += chunk.byteLength;
        report();
      });
      // A cancel that came with the last chunk written still cancels: the caller has not been told it finished.
      signal?.throwIfAborted();
    } catch (error) {
      if (isQuotaExceeded(error)) {
        // The disk, not the connection, gave out (the quota moved, or the server sent no length to check first):
        // nothing of the file is kept, so the user's own data keeps what room is left.
        await writable.abort().catch(() => undefined);
        await this.#remove(name);
        throw new ModelDownloadError(url, `storage is full after ${loaded} bytes (free space by deleting other models or old history, or choose a smaller model)`, { cause: error });
      }
      // Keep what arrived: the next try resumes from here.
      await writable.close();
      throw new BrokenConnection(loaded, error);
    }
    await writable.close();
    if (totalBytes !== undefined && loaded !== totalBytes) {
      throw new ModelDownloadError(url, `the download ended after ${loaded} of ${totalBytes} bytes`);
    }
    return this.#finish(name, { ...meta, totalBytes: loaded, complete: true });
  }

  /** Every file in the cache, complete or partial, with its size on the device. */
  async list(): Promise<CachedModelFile[]> {
    const files: CachedModelFile[] = [];
    for await (const entry of this.dir.values()) {
      if (entry.kind !== 'file' || !entry.name.endsWith('.json')) continue;
      const name = entry.name.slice(0, -'.json'.length);
      const meta = await this.#readMeta(name);
      if (!meta) continue;
      const size = await this.#size(name);
      files.push({ ...meta, size });
    }
    return files.sort((a, b) => a.key.localeCompare(b.key));
  }

  async delete(key: string): Promise<void> {
    await this.#remove(await fileName(key));
  }

  async bytesUsed(): Promise<number> {
    return (await this.list()).reduce((sum, file) => sum + file.size, 0);
  }

  async #finish(name: string, meta: Meta): Promise<File> {
    await this.#writeMeta(name, { ...meta, updatedAt: Date.now() });
    return (await this.dir.getFileHandle(`${name}.bin`)).getFile();
  }

  async #size(name: string): Promise<number> {
    try {
      return (await (await this.dir.getFileHandle(`${name}.bin`)).getFile()).size;
    } catch (error) {
      if (isNotFound(error)) return 0;
      throw error;
    }
  }

  async #readMeta(name: string): Promise<Meta | undefined> {
    try {
      const text = await (await (await this.dir.getFileHandle(`${name}.json`)).getFile()).text();
      return JSON.parse(text) as Meta;
    } catch (error) {
      if (isNotFound(error) || error instanceof SyntaxError) return undefined;
      throw error;
    }
  }

  async #writeMeta(name: string, meta: Meta): Promise<void> {
    const writable = await (await this.dir.getFileHandle(`${name}.json`, { create: true })).createWritable();
    await writable.write(JSON.stringify(meta));
    await writable.close();
  }

  async #remove(name: string): Promise<void> {
    for (const suffix of ['.json', '.bin']) {
      await this.dir.removeEntry(`${name}${suffix}`).catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
    }
  }
}
