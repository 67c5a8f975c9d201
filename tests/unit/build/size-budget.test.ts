// The first-load budget: the entry and what it imports statically count, lazily loaded chunks do not, and a build
// past the budget fails with the figure.
import { describe, expect, test } from 'vitest';
import { gzipBytes, initialFiles, sizeBudget, WIDGET_ENTRY_FILE, type ChunkInfo } from '../../../scripts/size-budget';

const chunk = (code: string, imports: string[] = [], entry = false): ChunkInfo => ({ code, imports, isEntry: entry, facadeModuleId: entry ? '/app/index.html' : null });

describe('initialFiles', () => {
  test('follows static imports transitively, once each, and never dynamic ones', () => {
    const chunks = new Map<string, ChunkInfo>([
      ['index.js', chunk('entry', ['lit.js', 'shared.js'], true)],
      ['lit.js', chunk('lit', ['shared.js'])],
      ['shared.js', chunk('shared', ['lit.js'])],
      ['view.js', chunk('a lazily loaded view', ['shared.js'])],
    ]);
    expect(initialFiles('index.js', chunks).sort()).toEqual(['index.js', 'lit.js', 'shared.js']);
  });
});

describe('sizeBudget', () => {
  /** Runs the plugin's generateBundle on a fake bundle; resolves with what it logged, rejects with its error. */
  function run(budget: number, code: string): string[] {
    const logged: string[] = [];
    const plugin = sizeBudget(budget);
    const context = {
      info: (line: string) => logged.push(line),
      error: (line: string) => {
        throw new Error(line);
      },
    };
    const bundle = { 'index.js': { type: 'chunk', ...chunk(code, [], true) }, 'view.js': { type: 'chunk', ...chunk('x'.repeat(100_000)) } };
    (plugin.generateBundle as unknown as (this: typeof context, options: unknown, bundle: unknown) => void).call(context, {}, bundle);
    return logged;
  }

  test('prints the entry figure, leaving lazy chunks out', () => {
    const [line] = run(10_000, 'console.log("hello")');
    expect(line).toMatch(/^initial JS of index\.js: [\d.]+ kB gzip in 1 file\(s\), budget 10 kB$/);
  });

  test('fails the build past the budget', () => {
    const random = Array.from({ length: 5_000 }, (_, i) => ((i * 7919) % 65_521).toString(36)).join('');
    expect(gzipBytes(random)).toBeGreaterThan(1_024);
    expect(() => run(1_024, random)).toThrow(/over budget\. Load the new heavy import on demand/);
  });

  test('checks the widget entry against its own budget', () => {
    const logged: string[] = [];
    const context = {
      info: (line: string) => logged.push(line),
      error: (line: string) => {
        throw new Error(line);
      },
    };
    const widget = { type: 'chunk', code: 'w'.repeat(50), imports: ['shared.js'], isEntry: true, facadeModuleId: '/app/src/widget/persona-widget.ts' };
    const bundle = { [WIDGET_ENTRY_FILE]: widget, 'shared.js': { type: 'chunk', ...chunk('s'.repeat(50)) }, 'engine.js': { type: 'chunk', ...chunk('x'.repeat(100_000)) } };
    const generate = (plugin: ReturnType<typeof sizeBudget>) => {
      (plugin.generateBundle as unknown as (this: typeof context, options: unknown, bundle: unknown) => void).call(context, {}, bundle);
    };
    generate(sizeBudget(10_000, 10_000));
    expect(logged).toEqual([expect.stringMatching(/^initial JS of persona-widget\.js: [\d.]+ kB gzip in 2 file\(s\), budget 10 kB$/)]);
    expect(() => {
      generate(sizeBudget(10_000, 10));
    }).toThrow(/persona-widget\.js.*over budget/);
  });
});
