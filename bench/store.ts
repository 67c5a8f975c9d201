// The store benchmark: serves bench/store/ with Vite, runs it in headless Chromium, prints JSON and a table.
// Usage: npm run bench:store [-- --vectors 100000 --dim 384 --record 2000 --repeats 5]
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { StoreBenchResult } from './store/store-bench.ts';
import { runBenchPage } from './bench-driver.ts';

const { values } = parseArgs({
  options: {
    vectors: { type: 'string', default: '100000' },
    dim: { type: 'string', default: '384' },
    record: { type: 'string', default: '2000' },
    repeats: { type: 'string', default: '5' },
  },
});

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** [without the lock, with it] medians of paired runs. */
function medians(pairs: [number, number][]): { plain: number; locked: number } {
  return { plain: median(pairs.map(([plain]) => plain)), locked: median(pairs.map(([, locked]) => locked)) };
}

/** The median of each pair's with-lock ÷ without-lock: pairs ran back to back, so drift hits both alike. */
function medianRatio(pairs: [number, number][]): number {
  return median(pairs.map(([plain, locked]) => locked / plain));
}

const query = new URLSearchParams({ vectors: values.vectors, dim: values.dim, record: values.record, repeats: values.repeats });
const { result: r, browserVersion } = await runBenchPage<StoreBenchResult>(`/bench/store/index.html?${query}`, 590_000);
const summary = {
  benchmark: 'store',
  browser: browserVersion,
  record: {
    events: r.recordEvents,
    batchMs: r.recordBatchMs,
    perEventTransactionMs: r.recordPerEventMs,
    speedup: r.recordPerEventMs / r.recordBatchMs,
  },
  load: {
    vectors: r.loadVectors,
    dim: r.dim,
    segmentsMedianMs: median(r.segmentLoadMs),
    perRecordMedianMs: median(r.perRecordLoadMs),
    speedup: median(r.perRecordLoadMs) / median(r.segmentLoadMs),
    segmentsRunsMs: r.segmentLoadMs,
    perRecordRunsMs: r.perRecordLoadMs,
  },
  lock: {
    events: r.lock.events,
    vectors: r.lock.vectors,
    recordBatchRatio: medianRatio(r.lock.recordMs),
    appendVectorsRatio: medianRatio(r.lock.appendVectorsMs),
    loadVectorsRatio: medianRatio(r.lock.loadVectorsMs),
    scanEventsRatio: medianRatio(r.lock.scanEventsMs),
    medianMs: {
      recordBatch: medians(r.lock.recordMs),
      appendVectors: medians(r.lock.appendVectorsMs),
      loadVectors: medians(r.lock.loadVectorsMs),
      scanEvents: medians(r.lock.scanEventsMs),
    },
    enableOnFilledStoreMs: r.lock.enableMs,
    runsMs: { record: r.lock.recordMs, appendVectors: r.lock.appendVectorsMs, loadVectors: r.lock.loadVectorsMs, scanEvents: r.lock.scanEventsMs },
  },
};
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/store.json', `${JSON.stringify(summary, null, 2)}\n`);
console.log(JSON.stringify(summary));
const f = (ms: number) => `${ms.toFixed(0)} ms`;
console.table({
  [`record ${r.recordEvents} events`]: { persona: `${f(r.recordBatchMs)} (one transaction)`, baseline: `${f(r.recordPerEventMs)} (one per event)`, ratio: `${summary.record.speedup.toFixed(1)}×` },
  [`load ${r.loadVectors} × ${r.dim} vectors`]: { persona: `${f(summary.load.segmentsMedianMs)} (segments)`, baseline: `${f(summary.load.perRecordMedianMs)} (record per vector)`, ratio: `${summary.load.speedup.toFixed(1)}×` },
});
const lock = summary.lock;
const row = (ms: { plain: number; locked: number }, ratio: number) => ({ 'lock on (unlocked)': f(ms.locked), 'no lock': f(ms.plain), 'cost ×': `${ratio.toFixed(2)}×` });
console.table({
  [`record ${r.recordEvents} events`]: row(lock.medianMs.recordBatch, lock.recordBatchRatio),
  [`append 10,000 × ${r.dim} vectors`]: row(lock.medianMs.appendVectors, lock.appendVectorsRatio),
  [`load ${lock.vectors} × ${r.dim} vectors`]: row(lock.medianMs.loadVectors, lock.loadVectorsRatio),
  [`scan ${lock.events} events`]: row(lock.medianMs.scanEvents, lock.scanEventsRatio),
});
console.log(`turning the lock on over ${lock.events} events and ${lock.vectors} vectors: ${f(lock.enableOnFilledStoreMs)}`);
