// The retrieval benchmark: serves bench/retrieval/ with Vite, runs it in headless Chromium, prints JSON and a table,
// and writes bench/results/retrieval.json. Query latency is measured in the page (see bench/retrieval/retrieval-bench.ts);
// beside it, embedding throughput of the bundled model in the Chromium worker vs transformers.js in this Node process
// (bench/retrieval/embed-*.ts), and the cold start at 100k events in a persistent profile (bench/retrieval/cold-start*.ts).
// Usage: npm run bench:retrieval [-- --sizes 1000,10000,100000 --dims 100,384 --queries 100 --warmup 20
//                                    --naive-queries 100 --store-events 20000
//                                    --embed-sentences 2048 --embed-batches 32,64 --embed-passes 5
//                                    --cold-events 100000 --cold-runs 3 --no-cold-start
//                                    --locomo DIR (default ../shared/datasets/locomo) --no-locomo]
// Quick run: npm run bench:retrieval -- --sizes 1000,10000 --dims 100 --queries 50 --no-cold-start
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright';
import { createServer } from 'vite';
import { CHROMIUM_ARGS, INSTALL_HINT, findChromium } from '../scripts/chromium.ts';
import { contentSecurityPolicy } from '../scripts/security-headers.ts';
import { medianRun, runColdStart, type ColdStartResult } from './retrieval/cold-start-driver.ts';
import type { EmbedPageResult } from './retrieval/embed-bench.ts';
import { embedSentences, embedThroughputNode } from './retrieval/embed-node.ts';
import { mergeThroughput, type EmbedEnvironment, type EmbedThroughputOptions } from './retrieval/embed-throughput.ts';
import type { ConfigResult, RetrievalBenchResult } from './retrieval/retrieval-bench.ts';
import { readBenchResult } from './page-result.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000,100000' },
    dims: { type: 'string', default: '100,384' },
    queries: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '20' },
    'naive-queries': { type: 'string' },
    'store-events': { type: 'string', default: '20000' },
    'embed-sentences': { type: 'string', default: '2048' },
    'embed-batches': { type: 'string', default: '32,64' },
    'embed-passes': { type: 'string', default: '5' },
    'cold-events': { type: 'string', default: '100000' },
    'cold-runs': { type: 'string', default: '3' },
    'no-cold-start': { type: 'boolean', default: false },
    locomo: { type: 'string', default: fileURLToPath(new URL('../../shared/datasets/locomo', import.meta.url)) },
    'no-locomo': { type: 'boolean', default: false },
  },
});
const positive = (name: string, text: string): number => {
  const x = Number(text);
  if (!Number.isInteger(x) || x < 1) throw new Error(`--${name} must be a whole number ≥ 1, not ${text}`);
  return x;
};
const embedSentenceCount = positive('embed-sentences', values['embed-sentences']);
const embedOptions: EmbedThroughputOptions = {
  batchSizes: values['embed-batches'].split(',').map((b) => positive('embed-batches', b)),
  // One untimed pass over all sentences per batch size: with less, the worker's first timed pass is still warming up.
  warmup: embedSentenceCount,
  passes: positive('embed-passes', values['embed-passes']),
};
const coldEvents = positive('cold-events', values['cold-events']);
const coldRuns = positive('cold-runs', values['cold-runs']);

const executablePath = findChromium();
if (!executablePath) throw new Error(INSTALL_HINT);
// The dev server's own CSP: the embedder runs under the same policy as the app.
const devCsp = contentSecurityPolicy({ dev: true });
const server = await createServer({
  configFile: 'vite.config.ts',
  // No file watching and no HMR: others edit the tree while a benchmark runs, and a reload would restart a page.
  server: { host: '127.0.0.1', port: 0, hmr: false, watch: null, headers: { 'Content-Security-Policy': devCsp } },
  logLevel: 'error',
});
await server.listen();
const address = server.httpServer?.address();
const port = typeof address === 'object' && address ? address.port : 0;
// --expose-gc lets the page collect garbage between phases, so a collection left over from ingest does not land in
// a timed query; it changes nothing else in V8.
const started = performance.now();
const progress = (message: string): void => {
  console.error(`${((performance.now() - started) / 1_000).toFixed(1).padStart(6)} s ${message}`);
};
// Embedding throughput in Node, before the browser starts and again right after the Chromium worker's turn, so a
// change in the shared machine's load over the run does not favour one side; the two halves are merged.
const { sentences, source: sentenceSource } = embedSentences(embedSentenceCount);
const embedNodeBefore: EmbedEnvironment = await embedThroughputNode(sentences, embedOptions);
progress(`[retrieval] embed in Node: ${embedNodeBefore.results.map((r) => `batch ${r.batch}: ${r.perS.toFixed(0)}/s`).join(', ')}`);
let embedNode = embedNodeBefore;
const browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc'] });
let embedChromium: EmbedPageResult | undefined;
let coldStart: ColdStartResult | undefined;
try {
  const page = await browser.newPage();
  page.on('console', (message) => {
    if (message.text().startsWith('[retrieval]')) progress(message.text());
  });
  const query = new URLSearchParams({
    sizes: values.sizes,
    dims: values.dims,
    queries: values.queries,
    warmup: values.warmup,
    naiveQueries: values['naive-queries'] ?? values.queries,
    storeEvents: values['store-events'],
  });
  const benchResult = await readBenchResult<RetrievalBenchResult>(page, `http://127.0.0.1:${port}/bench/retrieval/index.html?${query}`, 1_200_000);
  const r = benchResult;
  await page.close();

  // Embedding throughput in the Chromium worker: the same sentences and batches as in Node.
  const embedPage = await browser.newPage();
  await embedPage.goto(`http://127.0.0.1:${port}/bench/retrieval/embed.html`);
  await embedPage.waitForFunction(() => 'runEmbedBench' in window, null, { timeout: 60_000 });
  embedChromium = await embedPage.evaluate(
    async ([texts, options]) => {
      const bench = (window as unknown as { runEmbedBench: (texts: string[], options: EmbedThroughputOptions) => Promise<EmbedPageResult> }).runEmbedBench;
      return bench(texts, options);
    },
    [sentences, embedOptions] as const,
  );
  await embedPage.close();
  progress(`[retrieval] embed in the Chromium worker: ${embedChromium.results.map((x) => `batch ${x.batch}: ${x.perS.toFixed(0)}/s`).join(', ')}`);
  const embedNodeAfter = await embedThroughputNode(sentences, embedOptions);
  progress(`[retrieval] embed in Node again: ${embedNodeAfter.results.map((x) => `batch ${x.batch}: ${x.perS.toFixed(0)}/s`).join(', ')}`);
  embedNode = mergeThroughput(embedNodeBefore, embedNodeAfter);
  const browserVersion = browser.version();
  await browser.close();

  // Cold start: a persistent profile of its own, a new browser per measured run (this one is closed first).
  if (!values['no-cold-start']) {
    coldStart = await runColdStart({ executablePath, args: CHROMIUM_ARGS, origin: `http://127.0.0.1:${port}`, events: coldEvents, runs: coldRuns, log: progress });
  }
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
    summary.index_ram_mb_100k_384 = (headline.ram.vectorIndexBytes + headline.ram.bm25Bytes) / MB;
    summary.ingest_events_per_s_chromium = headline.ingest.eventsPerS;
    summary.compose_p95_ms_100k = headline.compose.p95;
  }
  // Quality on LoCoMo: bench/locomo.ts (Node, the bundled embedder) on --locomo DIR, its figures merged in.
  let locomo: { summary: Record<string, unknown> } | undefined;
  if (!values['no-locomo']) {
    progress(`[retrieval] LoCoMo on ${values.locomo}`);
    execFileSync('npx', ['tsx', fileURLToPath(new URL('./locomo.ts', import.meta.url)), '--locomo', values.locomo], { stdio: ['ignore', 'ignore', 'inherit'] });
    locomo = JSON.parse(readFileSync('bench/results/locomo.json', 'utf8')) as { summary: Record<string, unknown> };
    for (const key of ['locomo_recall_at_10_bm25', 'locomo_recall_at_10_dense', 'locomo_recall_at_10_hybrid', 'locomo_evidence_in_prompt_share', 'locomo_evidence_in_topk_same_tokens_share']) {
      const value = locomo.summary[key];
      if (typeof value === 'number') summary[key] = value;
    }
  }
  // Embedding throughput at the first batch size asked for (default 32), Chromium worker beside Node.
  const embedBatch = embedOptions.batchSizes[0] ?? 32;
  const chromiumEmbed = embedChromium.results.find((x) => x.batch === embedBatch);
  const nodeEmbed = embedNode.results.find((x) => x.batch === embedBatch);
  if (chromiumEmbed && nodeEmbed) {
    summary.embed_per_s_chromium_worker = chromiumEmbed.perS;
    summary.embed_per_s_node = nodeEmbed.perS;
    summary.embed_node_over_chromium_worker = nodeEmbed.perS / chromiumEmbed.perS;
  }
  // Cold start: the median of the fresh-browser runs, beside the index rebuilt from the events (the baseline).
  const cold = coldStart ? medianRun(coldStart.runs) : undefined;
  const coldKey = `${coldEvents / 1000}k`;
  const coldOverlap = coldStart ? medianRun(coldStart.overlapRuns) : undefined;
  if (cold) {
    // The headline is the path the app takes: the index loads while the model loads (PendingEmbedder). The
    // sequential path stays beside it.
    summary[`cold_start_ms_${coldKey}`] = coldOverlap?.totalMs ?? cold.totalMs;
    summary[`cold_start_sequential_ms_${coldKey}`] = cold.totalMs;
    summary[`cold_start_index_load_ms_${coldKey}`] = cold.index.ms;
    summary[`index_load_warm_ms_${coldKey}`] = cold.warmIndexMs;
    summary[`index_rebuild_baseline_ms_${coldKey}`] = cold.baseline.totalMs;
  }
  const result = {
    benchmark: 'retrieval',
    ...(locomo ? { locomo } : {}),
    browser: browserVersion,
    wallSeconds: (performance.now() - started) / 1_000,
    summary,
    summaryNotes: {
      measuredAt: headline ? '100k × 384' : 'not measured: run without --sizes/--dims limits to include 100000 × 384',
      query: 'HybridRetriever.retrieve({ text, vector }, { limit: 10, mmrLambda: 1 }), query embedding precomputed',
      naive: `Float32 cosine over every item + top-10 partial sort, over ${headline?.naive.queries ?? 0} queries`,
      floor: 'bytes the indexes read per hybrid query (signatures + live flags where tombstones exist + re-ranked int8 codes and scales + refined hits\' 2-bit residuals + BM25 postings of every index term the query reads, the verb forms it expands to included) / measured bandwidth',
      recall: 'VectorIndex.search limit 10 without the exact source (int8 re-rank refined by 2-bit residuals, scores final), vs exact Float32 top 10; unrefined and with the exact source: see summaryExtra',
      indexRam: 'VectorIndex.bytes + Bm25Index.bytes as they stand after ingest and the timed queries (growth slack and per-query scratch included; ids and Maps excluded)',
      ingest: 'addDocument + addVectors, batches of 1,000, embedding excluded',
      compose: 'compose_p95_ms_100k: hybrid top-12 (MMR 0.7) + composePrompt (preferences, 5 pinned memories, a summary, the hits; 2,048-token context) in the page, in memory; composePrompt alone in summaryExtra',
      locomo: 'bench/locomo.ts on --locomo DIR: evidence recall@10 (BM25, dense, hybrid) and the share of questions whose evidence is all in the composed prompt vs plain top-k at the same tokens (default 1,536-token budget)',
      embed: `bundled ${embedNode.model} embedding ${sentences.length} ${sentenceSource}, embed() calls of ${embedBatch} texts, median of ${embedOptions.passes} passes (Node: ${2 * embedOptions.passes}, half before and half after Chromium's) after ${embedOptions.warmup} warm-up sentences; Chromium: WorkerEmbedder (module worker, onnxruntime-web wasm) driven from the page; Node: TransformersEmbedder in the driver (onnxruntime-node)`,
      coldStart: cold
        ? `${coldEvents} events (PersonaStore.record, batches of 1,000) with ${coldEvents} × 100 vectors under ${coldStart?.setup.model ?? ''}; new Chromium on a persistent profile, median of ${coldStart?.runs.length ?? 0} runs: navigation start → code → WorkerEmbedder ready ‖ PersonaStore.open → HistoryRetrieval.open → first retrieve() answered (Vite dev server, unbundled modules)`
        : 'not measured (--no-cold-start)',
      coldStartOverlapped: `cold_start_ms_* is the app's path: HistoryRetrieval.open starts as soon as the store is open, with a PendingEmbedder naming the bundled model id that waits for the worker only to embed (index load and model load run together); cold_start_sequential_ms_* waits for the model first`,
      indexLoad: 'cold: HistoryRetrieval.open in the cold run; warm: the same again in the same page, after the baseline; baseline: every event re-read (getAll, slices of 10,000) and re-tokenized (HybridRetriever.addDocument) + vectors from segments, in the same page after the first answer (warm, like the warm load)',
    },
    summaryExtra: {
      ...(headline
        ? {
            recall_at_10_vs_exact_with_exact_rerank: headline.recallAt10.exactRerank,
            recall_at_10_vs_exact_int8_unrefined: headline.recallAt10.int8Unrefined,
            dense_query_p50_ms_100k_384: headline.dense.p50,
            dense_depth50_query_p50_ms_100k_384: headline.denseDepth.p50,
            keyword_query_p50_ms_100k_384: headline.keyword.p50,
            query_p50_ms_100k_384_second_pass: headline.hybridSecondPass.p50,
            compose_p50_ms_100k: headline.compose.p50,
            compose_only_p95_ms_100k: headline.composeOnly.p95,
            keyword_expanded_query_p50_ms_100k_384: headline.keywordExpanded.p50,
            tokenize_query_p50_ms_100k_384: headline.tokenize.p50,
            floor_dense_only_ms_100k_384: headline.floor.denseMs,
            naive_floor_ms_100k_384: headline.floor.naiveMs,
            vector_index_mb_100k_384: headline.ram.vectorIndexBytes / MB,
            vector_index_mb_exact_capacity_100k_384: headline.ram.vectorIndexBytesExact / MB,
            bm25_mb_100k: headline.ram.bm25Bytes / MB,
            bm25_mb_exact_capacity_100k: headline.ram.bm25BytesExact / MB,
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
      ...Object.fromEntries(
        embedOptions.batchSizes.flatMap((batch) => {
          const c = embedChromium?.results.find((x) => x.batch === batch);
          const n = embedNode.results.find((x) => x.batch === batch);
          return c && n
            ? [
                [`embed_per_s_chromium_worker_batch${batch}`, c.perS],
                [`embed_per_s_node_batch${batch}`, n.perS],
                [`embed_best_pass_per_s_chromium_worker_batch${batch}`, c.bestPerS],
                [`embed_best_pass_per_s_node_batch${batch}`, n.bestPerS],
                [`embed_call_p50_ms_chromium_worker_batch${batch}`, c.callP50Ms],
                [`embed_call_p50_ms_node_batch${batch}`, n.callP50Ms],
              ]
            : [];
        }),
      ),
      embed_model_load_ms_chromium_worker: embedChromium.loadMs,
      embed_model_load_ms_node: embedNode.loadMs,
      ...(cold && coldStart
        ? {
            [`cold_start_first_script_ms_${coldKey}`]: cold.firstScriptMs,
            [`cold_start_code_ms_${coldKey}`]: cold.code.ms,
            [`cold_start_embedder_ready_at_ms_${coldKey}`]: cold.embedder.end,
            [`cold_start_embedder_ms_${coldKey}`]: cold.embedder.ms,
            [`cold_start_store_open_ms_${coldKey}`]: cold.store.ms,
            [`cold_start_first_query_ms_${coldKey}`]: cold.firstQuery.ms,
            [`cold_start_first_query_embed_ms_${coldKey}`]: cold.firstQuery.embedMs,
            [`cold_start_runs_ms_${coldKey}`]: coldStart.runs.map((x) => x.totalMs),
            ...(coldOverlap
              ? {
                  [`cold_start_overlapped_ms_${coldKey}`]: coldOverlap.totalMs,
                  [`cold_start_overlapped_runs_ms_${coldKey}`]: coldStart.overlapRuns.map((x) => x.totalMs),
                  [`cold_start_overlapped_index_load_ms_${coldKey}`]: coldOverlap.index.ms,
                }
              : {}),
            [`index_rebuild_over_warm_load_${coldKey}`]: cold.baseline.totalMs / cold.warmIndexMs,
            [`index_rebuild_tokenize_ms_${coldKey}`]: cold.baseline.tokenizeMs,
            [`index_load_parts_cold_ms_${coldKey}`]: {
              postings: coldStart.parts.postingsReadMs + coldStart.parts.postingsBuildMs,
              postingsRead: coldStart.parts.postingsReadMs,
              postingsBuild: coldStart.parts.postingsBuildMs,
              metadata: coldStart.parts.metadataMs,
              vectors: coldStart.parts.vectorsReadMs + coldStart.parts.vectorsBuildMs,
              vectorsRead: coldStart.parts.vectorsReadMs,
              vectorsBuild: coldStart.parts.vectorsBuildMs,
              total: coldStart.parts.totalMs,
            },
            [`cold_start_setup_s_${coldKey}`]: coldStart.setupWallMs / 1_000,
          }
        : {}),
    },
    page: r,
    embed: { sentences: sentences.length, source: sentenceSource, options: embedOptions, chromiumWorker: embedChromium, node: embedNode },
    ...(coldStart ? { coldStart } : {}),
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
          'hybrid 2nd pass p50': ms(c.hybridSecondPass.p50),
          'dense@50 / bm25@50 p50 ms': `${ms(c.denseDepth.p50)} / ${ms(c.keyword.p50)}`,
          'naive p50/p95 ms': `${ms(c.naive.p50)} / ${ms(c.naive.p95)}`,
          'naive ÷ hybrid': `${(c.naive.p50 / c.hybrid.p50).toFixed(1)}×`,
          'floor ms': ms(c.floor.ms),
          'hybrid ÷ floor': `${(c.hybrid.p50 / c.floor.ms).toFixed(1)}×`,
          'recall@10 refined / int8 / exact': `${c.recallAt10.int8.toFixed(3)} / ${c.recallAt10.int8Unrefined.toFixed(3)} / ${c.recallAt10.exactRerank.toFixed(3)}`,
          'index MB': ((c.ram.vectorIndexBytes + c.ram.bm25Bytes) / MB).toFixed(1),
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
  console.table(
    Object.fromEntries(
      embedOptions.batchSizes.map((batch) => {
        const c = embedChromium?.results.find((x) => x.batch === batch);
        const n = embedNode.results.find((x) => x.batch === batch);
        return [
          `embed, batch ${batch}`,
          {
            'Chromium worker /s': c?.perS.toFixed(0) ?? '-',
            'Node /s': n?.perS.toFixed(0) ?? '-',
            'Node ÷ Chromium': c && n ? `${(n.perS / c.perS).toFixed(2)}×` : '-',
            'best pass /s (Chromium / Node)': c && n ? `${c.bestPerS.toFixed(0)} / ${n.bestPerS.toFixed(0)}` : '-',
            'call p50 ms (Chromium / Node)': c && n ? `${ms(c.callP50Ms)} / ${ms(n.callP50Ms)}` : '-',
          },
        ];
      }),
    ),
  );
  console.log(`embedding: ${sentences.length} ${sentenceSource}; model load ${embedChromium.loadMs.toFixed(0)} ms (Chromium worker) / ${embedNode.loadMs.toFixed(0)} ms (Node)`);
  if (cold && coldStart) {
    const at = (x: { start: number; end: number; ms: number }) => `${ms(x.start)} → ${ms(x.end)} (${ms(x.ms)} ms)`;
    const p = coldStart.parts;
    console.table({
      'first script (navigation → entry module runs)': { 'ms from navigation start': ms(cold.firstScriptMs) },
      'engine code (dynamic import, Vite dev)': { 'ms from navigation start': at(cold.code) },
      'embedder worker + model ready': { 'ms from navigation start': at(cold.embedder) },
      'PersonaStore.open (concurrent)': { 'ms from navigation start': at(cold.store) },
      'HistoryRetrieval.open (index load)': { 'ms from navigation start': at(cold.index) },
      [`first retrieve() (embed ${ms(cold.firstQuery.embedMs)} + search ${ms(cold.firstQuery.searchMs)} ms)`]: { 'ms from navigation start': at(cold.firstQuery) },
      'total: navigation → first answer': { 'ms from navigation start': ms(cold.totalMs) },
    });
    console.table({
      [`Persona index load, ${coldEvents / 1000}k events`]: {
        'cold ms': ms(cold.index.ms),
        'warm ms': ms(cold.warmIndexMs),
        'rebuild baseline ms (warm)': ms(cold.baseline.totalMs),
        'baseline ÷ warm': `${(cold.baseline.totalMs / cold.warmIndexMs).toFixed(1)}×`,
      },
    });
    console.log(
      `cold start: runs ${coldStart.runs.map((x) => x.totalMs.toFixed(0)).join(', ')} ms (median ${cold.totalMs.toFixed(0)}); ` +
        (coldOverlap
          ? `index load overlapping the model load: runs ${coldStart.overlapRuns.map((x) => x.totalMs.toFixed(0)).join(', ')} ms (median ${coldOverlap.totalMs.toFixed(0)}, index ${coldOverlap.index.ms.toFixed(0)} ms, embedder ready at ${coldOverlap.embedder.end.toFixed(0)} ms); `
          : '') +
        `cold index-load parts (separate run): postings ${ms(p.postingsReadMs)} read + ${ms(p.postingsBuildMs)} build, metadata ${ms(p.metadataMs)}, ` +
        `vectors ${ms(p.vectorsReadMs)} read + ${ms(p.vectorsBuildMs)} build = ${ms(p.totalMs)} ms; ` +
        `baseline: read events ${ms(cold.baseline.readEventsMs)} + tokenize ${ms(cold.baseline.tokenizeMs)} + vectors ${ms(cold.baseline.vectorsMs)} ms; ` +
        `setup ${(coldStart.setupWallMs / 1_000).toFixed(0)} s`,
    );
  }
  if (r.configs.some((c) => !c.naiveMatchesExactSearch)) console.warn('warning: the naive loop disagreed with exactSearch on a query (ties?)');
  console.log('written to bench/results/retrieval.json');
} finally {
  await browser.close();
  await server.close();
}
