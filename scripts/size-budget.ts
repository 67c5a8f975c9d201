// The app's first load has a size budget: its entry chunk and every chunk it imports statically (what the browser
// must fetch before the app can start), gzip-compressed, must stay under INITIAL_JS_BUDGET. Heavy parts — the LLM
// runtimes, transformers.js, each view — load on demand and do not count. The build prints the figure and fails past
// the budget, so a careless static import cannot quietly put megabytes on the first screen.
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/** Issue 8's figure for the app's initial JS, gzip. */
export const INITIAL_JS_BUDGET = 150 * 1024;

/** What this check needs of a Rollup output chunk. */
export interface ChunkInfo {
  code: string;
  isEntry: boolean;
  /** Chunks it imports statically, by file name. */
  imports: readonly string[];
  facadeModuleId?: string | null;
}

/** The file names an entry loads before it runs: itself and its static imports, transitively. */
export function initialFiles(entry: string, chunks: ReadonlyMap<string, ChunkInfo>): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const next of chunks.get(name)?.imports ?? []) visit(next);
  };
  visit(entry);
  return [...seen];
}

export function gzipBytes(code: string): number {
  return gzipSync(code, { level: 9 }).length;
}

/**
 * Issue 8's figure for the embeddable widget: persona-widget.js and its static imports, gzip. A host page pays for
 * it on every visit, so the engine, the models' runtimes and transformers.js stay behind import() and workers.
 */
export const WIDGET_JS_BUDGET = 60 * 1024;

/** The widget's entry file (see scripts/widget-assets.ts). */
export const WIDGET_ENTRY_FILE = 'persona-widget.js';

/**
 * Fails the build when the page entry (index.html's script) and its static imports exceed `budget` gzip bytes, or
 * the widget's entry (persona-widget.js) and its static imports exceed `widgetBudget`.
 */
export function sizeBudget(budget = INITIAL_JS_BUDGET, widgetBudget = WIDGET_JS_BUDGET): Plugin {
  return {
    name: 'persona-size-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = new Map<string, ChunkInfo>();
      for (const [name, output] of Object.entries(bundle)) {
        if (output.type === 'chunk') chunks.set(name, output);
      }
      for (const [name, chunk] of chunks) {
        // The page's entry and the widget's: workers are built as entries of their own bundles and never reach this one.
        if (!chunk.isEntry) continue;
        const limit = chunk.facadeModuleId?.endsWith('.html') ? budget : name === WIDGET_ENTRY_FILE ? widgetBudget : undefined;
        if (limit === undefined) continue;
        const files = initialFiles(name, chunks);
        const bytes = files.reduce((sum, file) => sum + gzipBytes(chunks.get(file)?.code ?? ''), 0);
        const line = `initial JS of ${name}: ${(bytes / 1024).toFixed(1)} kB gzip in ${files.length} file(s), budget ${(limit / 1024).toFixed(0)} kB`;
        if (bytes > limit) this.error(`${line}: over budget. Load the new heavy import on demand (import()) instead.`);
        this.info(line);
      }
    },
  };
}
