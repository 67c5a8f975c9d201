// bench:rank1000 — how long ranking 1,000 candidates takes with the full blend (issue 6: ≤ 20 ms in Chromium), in
// Chromium and in Node side by side on the same seeded workload (bench/rank1000/workload.ts). Prints JSON and a table;
// writes bench/results/rank1000.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { runBenchPage } from './bench-driver.ts';
import { timeRank1000, type Rank1000Result } from './rank1000/workload.ts';

const BUDGET_MS = 20;

const node = timeRank1000();
const { result: inChromium, browserVersion } = await runBenchPage<Rank1000Result>('/bench/rank1000/index.html', 300_000);
const summary = { benchmark: 'rank1000', browser: browserVersion, budgetMs: BUDGET_MS, chromium: inChromium, node, chromiumOverNode: inChromium.p50Ms / node.p50Ms, withinBudget: inChromium.p50Ms <= BUDGET_MS };
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/rank1000.json', `${JSON.stringify(summary, null, 2)}\n`);
console.log(JSON.stringify(summary));
console.log(`\n| where | p50 | p90 | runs |\n|---|---|---|---|`);
for (const [where, r] of [['Chromium', inChromium], ['Node', node]] as const) console.log(`| ${where} | ${r.p50Ms.toFixed(1)} ms | ${r.p90Ms.toFixed(1)} ms | ${r.runs} |`);
console.log(`\nChromium / Node p50: ${summary.chromiumOverNode.toFixed(2)}×; budget ${BUDGET_MS} ms in Chromium: ${summary.withinBudget ? 'met' : 'missed'}`);
