// Runs in Chromium (see bench/store.ts): Persona's store against the obvious baselines, in the same page.
//  1. record: one batch in one transaction (record()) vs one transaction per event.
//  2. load: 100k vectors read from segments (loadVectors) vs one IndexedDB record per vector.
//  3. the lock's cost while unlocked (content sealed field by field, lock/field-seal.ts) against the same store
//     without the lock: record batches, vector appends, loading every vector and scanning every event; and the
//     one-time cost of turning the lock on over the filled store.
import { openDB } from 'idb';
import type { HistoryEventInput } from '../../src/core/history-event';
import { MIN_ITERATIONS } from '../../src/store/passphrase-key';
import { PersonaStore } from '../../src/store/persona-store';
import { publishBenchResult } from '../page-result';

export interface StoreBenchResult {
  recordEvents: number;
  recordBatchMs: number;
  recordPerEventMs: number;
  loadVectors: number;
  dim: number;
  segmentLoadMs: number[];
  perRecordLoadMs: number[];
  lock: LockCost;
}

/** Each figure as [without the lock, with it (unlocked)], one entry per repeat, measured alternately. */
export interface LockCost {
  events: number;
  vectors: number;
  recordMs: [number, number][];
  appendVectorsMs: [number, number][];
  loadVectorsMs: [number, number][];
  scanEventsMs: [number, number][];
  /** Turning the lock on over the store without it, once filled (sealing every record; the KDF at its minimum). */
  enableMs: number;
}

const params = new URLSearchParams(location.search);
const RECORD_N = Number(params.get('record') ?? 2_000);
const LOAD_N = Number(params.get('vectors') ?? 100_000);
const DIM = Number(params.get('dim') ?? 384);
const REPEATS = Number(params.get('repeats') ?? 5);

function events(n: number, prefix: string): HistoryEventInput[] {
  return Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, kind: 'view', text: `item ${i} viewed on the site` }));
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

async function benchRecord(): Promise<Pick<StoreBenchResult, 'recordBatchMs' | 'recordPerEventMs'>> {
  const batchStore = await PersonaStore.open({ name: `bench-batch-${crypto.randomUUID()}` });
  const recordBatchMs = await timed(() => batchStore.record(events(RECORD_N, 'b')));
  batchStore.close();
  const singleStore = await PersonaStore.open({ name: `bench-single-${crypto.randomUUID()}` });
  const recordPerEventMs = await timed(async () => {
    for (const event of events(RECORD_N, 's')) await singleStore.record(event);
  });
  singleStore.close();
  return { recordBatchMs, recordPerEventMs };
}

async function benchLoad(): Promise<Pick<StoreBenchResult, 'segmentLoadMs' | 'perRecordLoadMs'>> {
  const name = `bench-load-${crypto.randomUUID()}`;
  const store = await PersonaStore.open({ name });
  const baseline = await openDB<{ vectors: { key: string; value: { id: string; vector: Float32Array } } }>(`${name}-baseline`, 1, {
    upgrade: (db) => db.createObjectStore('vectors', { keyPath: 'id' }),
  });
  const CHUNK = 10_000;
  for (let start = 0; start < LOAD_N; start += CHUNK) {
    const n = Math.min(CHUNK, LOAD_N - start);
    const batch = events(n, `v${start}-`);
    await store.record(batch);
    const vectors = new Float32Array(n * DIM).map(() => Math.random());
    await store.segments.appendVectors('bench-model', DIM, batch.map((e) => e.id as string), vectors);
    const tx = baseline.transaction('vectors', 'readwrite');
    await Promise.all(batch.map((e, i) => tx.store.put({ id: e.id as string, vector: vectors.slice(i * DIM, (i + 1) * DIM) })));
    await tx.done;
  }
  const segmentLoadMs: number[] = [];
  const perRecordLoadMs: number[] = [];
  // Alternate the two so drift in machine load hits both alike.
  for (let r = 0; r < REPEATS; r++) {
    segmentLoadMs.push(
      await timed(async () => {
        const loaded = await store.segments.loadVectors('bench-model');
        if (loaded?.ids.length !== LOAD_N) throw new Error('segment load returned the wrong count');
      }),
    );
    perRecordLoadMs.push(
      await timed(async () => {
        const rows = await baseline.getAll('vectors');
        const matrix = new Float32Array(rows.length * DIM);
        rows.forEach((row, i) => {
          matrix.set(row.vector, i * DIM);
        });
        if (rows.length !== LOAD_N) throw new Error('baseline load returned the wrong count');
      }),
    );
  }
  store.close();
  baseline.close();
  return { segmentLoadMs, perRecordLoadMs };
}

async function benchLock(): Promise<LockCost> {
  const plain = await PersonaStore.open({ name: `bench-lock-plain-${crypto.randomUUID()}` });
  const sealed = await PersonaStore.open({ name: `bench-lock-sealed-${crypto.randomUUID()}` });
  // The KDF's work factor is not what is measured here: its cost is the same once per unlock whatever the data.
  await sealed.lock.enable('bench passphrase', { iterations: MIN_ITERATIONS });
  const pair = async (work: (store: PersonaStore) => Promise<unknown>): Promise<[number, number]> => [await timed(() => work(plain)), await timed(() => work(sealed))];
  const recordMs: [number, number][] = [];
  for (let r = 0; r < REPEATS; r++) recordMs.push(await pair((store) => store.record(events(RECORD_N, `r${r}-`))));
  const appendVectorsMs: [number, number][] = [];
  const CHUNK = 10_000;
  for (let start = 0; start < LOAD_N; start += CHUNK) {
    const n = Math.min(CHUNK, LOAD_N - start);
    const batch = events(n, `v${start}-`);
    const vectors = new Float32Array(n * DIM).map(() => Math.random());
    await plain.record(batch);
    await sealed.record(batch);
    appendVectorsMs.push(await pair((store) => store.segments.appendVectors('bench-model', DIM, batch.map((e) => e.id as string), vectors)));
  }
  const loadVectorsMs: [number, number][] = [];
  const scanEventsMs: [number, number][] = [];
  for (let r = 0; r < REPEATS; r++) {
    loadVectorsMs.push(
      await pair(async (store) => {
        if ((await store.segments.loadVectors('bench-model'))?.ids.length !== LOAD_N) throw new Error('vector load returned the wrong count');
      }),
    );
    scanEventsMs.push(
      await pair(async (store) => {
        let seen = 0;
        await store.events.scan((batch) => {
          seen += batch.length;
        });
        if (seen !== LOAD_N + REPEATS * RECORD_N) throw new Error(`event scan saw ${seen} events`);
      }),
    );
  }
  const enableMs = await timed(() => plain.lock.enable('bench passphrase', { iterations: MIN_ITERATIONS }));
  plain.close();
  sealed.close();
  return { events: LOAD_N + REPEATS * RECORD_N, vectors: LOAD_N, recordMs, appendVectorsMs, loadVectorsMs, scanEventsMs, enableMs };
}

async function run(): Promise<StoreBenchResult> {
  const record = await benchRecord();
  const load = await benchLoad();
  const lock = await benchLock();
  return { recordEvents: RECORD_N, loadVectors: LOAD_N, dim: DIM, ...record, ...load, lock };
}

publishBenchResult(run());
