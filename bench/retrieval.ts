// The retrieval benchmark: serves bench/retrieval/ with Vite, runs it in headless Chromium, prints JSON and a table,
// and writes bench/results/retrieval.json. Everything is measured in the page (see bench/retrieval/retrieval-bench.ts).
// Usage: npm run bench:retrieval [-- --sizes 1000,10000,100000 --dims 100,384 --queries 100 --warmup 20
//                                    --naive-queries 100 --store-events 20000]
// Quick run: npm run bench:retrieval -- --sizes 1000,10000 --dims 100 --queries 50
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright';
import { createServer } from 'vite';
import { CHROMIUM_ARGS, INSTALL_HINT, findChromium } from '../scripts/chromium.ts';
import type { ConfigResult, RetrievalBenchResult } from './retrieval/retrieval-bench.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000,100000' },
    dims: { type: 'string', default: '100,384' },
    queries: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '20' },
    'naive-queries': { type: 'string' },
    'store-events': { type: 'string', default: '20000' },
  },
});

const executablePath = findChromium();
if (!executablePath) throw new Error(INSTALL_HINT);
const server = await createServer({ configFile: 'vite.config.ts', server: { host: '127.0.0.1', port: 0 }, logLevel: 'error' });
await server.listen();
const address = server.httpServer?.address();
const port = typeof address === 'object' && address ? address.port : 0;
// --expose-gc lets the page collect garbage between phases, so a collection left over from ingest does not land in
// a timed query; it changes nothing else in V8.
const browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc'] });
const started = performance.now();
try {
  const page = await browser.newPage();
  page.on('console', (message) => {
    if (message.text().startsWith('[retrieval]')) console.error(`${((performance.now() - started) / 1_000).toFixed(1).padStart(6)} s ${message.text()}`);
  });
  const query = new URLSearchParams({
    sizes: values.sizes,
    dims: values.dims,
    queries: values.queries,
    warmup: values.warmup,
    naiveQueries: values['naive-queries'] ?? values.queries,
    storeEvents: values['store-events'],
  });
  await page.goto(`http://127.0.0.1:${port}/bench/retrieval/index.html?${query}`);
  await page.waitForFunction(() => 'benchResult' in window || 'benchError' in window, null, { timeout: 1_200_000, polling: 500 });
  const { benchResult, benchError } = await page.evaluate(() => {
    const output = window as unknown as { benchResult?: RetrievalBenchResult; benchError?: string };
    return { benchResult: output.benchResult, benchError: output.benchError };
  });
  if (!benchResult) throw new Error(`benchmark failed in the page: ${benchError ?? 'unknown error'}`);
  const r = benchResult;
  const config = (n: number, dim: number): ConfigResult | undefined => r.configs.find((c) => c.n === n && c.dim === dim);
  const headline = config(100_000, 384);
  const MB = 1e6;
  // The six headline numbers, all at 100k × 384; a key is left out when that configuration was not run.
  const summary: Record<string, number> = {};
  if (headline) {
    summary.query_p50_ms_100k_384_chromium = headline.hybrid.p50;
    summary.naive_query_p50_ms_100k_384_chromium = headline.naive.p50;
    summary.floor_ms_100k_384 = headline.floor.ms;
    summary.recall_at_10_vs_exact = headline.recallAt10.int8;
    summary.index_ram_mb_100k_384 = (headline.ram.vectorIndexBytes + headline.ram.bm25BytesEstimate) / MB;
    summary.ingest_events_per_s_chromium = headline.ingest.eventsPerS;
  }
  const result = {
    benchmark: 'retrieval',
    browser: browser.version(),
    wallSeconds: (performance.now() - started) / 1_000,
    summary,
    summaryNotes: {
      measuredAt: headline ? '100k × 384' : 'not measured: run without --sizes/--dims limits to include 100000 × 384',
      query: 'HybridRetriever.retrieve({ text, vector }, { limit: 10, mmrLambda: 1 }), query embedding precomputed',
      naive: `Float32 cosine over every item + top-10 partial sort, over ${headline?.naive.queries ?? 0} queries`,
      floor: 'bytes the indexes read per hybrid query (signatures + live flags + re-ranked int8 codes and scales + BM25 postings) / measured bandwidth',
      recall: 'VectorIndex.search limit 10 without the exact source (int8 scores final), vs exact Float32 top 10; with the exact source: see summaryExtra',
      indexRam: 'VectorIndex.bytes (with growth slack) + BM25 typed arrays estimated from stats() (lower bound)',
      ingest: 'addDocument + addVectors, batches of 1,000, embedding excluded',
    },
    summaryExtra: {
      ...(headline
        ? {
            recall_at_10_vs_exact_with_exact_rerank: headline.recallAt10.exactRerank,
            dense_query_p50_ms_100k_384: headline.dense.p50,
            dense_depth50_query_p50_ms_100k_384: headline.denseDepth.p50,
            keyword_query_p50_ms_100k_384: headline.keyword.p50,
            floor_dense_only_ms_100k_384: headline.floor.denseMs,
            naive_floor_ms_100k_384: headline.floor.naiveMs,
            vector_index_mb_100k_384: headline.ram.vectorIndexBytes / MB,
            vector_index_mb_exact_capacity_100k_384: headline.ram.vectorIndexBytesExact / MB,
            bm25_mb_estimate_100k: headline.ram.bm25BytesEstimate / MB,
          }
        : {}),
      ...(r.ingestWithStore
        ? {
            ingest_with_store_events_per_s_chromium: r.ingestWithStore.eventsPerS,
            ingest_with_store_events: r.ingestWithStore.events,
            ingest_with_store_dim: r.ingestWithStore.dim,
          }
        : {}),
      bandwidth_gbps: r.bandwidth.gbps,
      bandwidth_8mib_buffer_gbps: r.cacheBandwidth.gbps,
      ...(headline ? { floor_ms_100k_384_at_8mib_buffer_bandwidth: headline.floor.bytes / (r.cacheBandwidth.gbps * 1e6) } : {}),
    },
    page: r,
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/retrieval.json', `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify({ benchmark: result.benchmark, browser: result.browser, summary, summaryExtra: result.summaryExtra }));
  const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  console.table(
    Object.fromEntries(
      r.configs.map((c) => [
        `${c.n / 1000}k × ${c.dim}`,
        {
          'hybrid p50/p95 ms': `${ms(c.hybrid.p50)} / ${ms(c.hybrid.p95)}`,
          'dense@50 / bm25@50 p50 ms': `${ms(c.denseDepth.p50)} / ${ms(c.keyword.p50)}`,
          'naive p50/p95 ms': `${ms(c.naive.p50)} / ${ms(c.naive.p95)}`,
          'naive ÷ hybrid': `${(c.naive.p50 / c.hybrid.p50).toFixed(1)}×`,
          'floor ms': ms(c.floor.ms),
          'hybrid ÷ floor': `${(c.hybrid.p50 / c.floor.ms).toFixed(0)}×`,
          'recall@10 int8 / exact': `${c.recallAt10.int8.toFixed(3)} / ${c.recallAt10.exactRerank.toFixed(3)}`,
          'index MB': ((c.ram.vectorIndexBytes + c.ram.bm25BytesEstimate) / MB).toFixed(1),
          'ingest ev/s': c.ingest.eventsPerS.toFixed(0),
        },
      ]),
    ),
  );
  console.log(
    `Chromium ${result.browser}; bandwidth ${r.bandwidth.gbps.toFixed(2)} GB/s (${r.bandwidth.method}); ${r.warmup} warm-up + ${r.configs[0]?.hybrid.queries ?? 0} timed queries ` +
      `(naive: ${r.configs[0]?.naive.queries ?? 0}); crossOriginIsolated ${r.crossOriginIsolated}` +
      (r.ingestWithStore ? `; ingest with PersonaStore.record(): ${r.ingestWithStore.eventsPerS.toFixed(0)} events/s over ${r.ingestWithStore.events} events` : ''),
  );
  if (r.configs.some((c) => !c.naiveMatchesExactSearch)) console.warn('warning: the naive loop disagreed with exactSearch on a query (ties?)');
  console.log('written to bench/results/retrieval.json');
} finally {
  await browser.close();
  await server.close();
}
