// package.json `sideEffects` tells bundlers which modules must run even when nothing they export is used: the ones
// that define custom elements, and the modules imported only for that. It applies to the library's consumers (lib/)
// and to this repository's own builds alike (the app, the examples and benchmark pages), so a registering module
// outside the listed folders would be dropped silently from a build — its element never defined. Only the engine's
// layers (src/core, store, embed, engine, llm, platform) are left free to drop. This test finds every such module.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { sideEffects: string[] };

function sourceFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts') && !name.split(/[\\/]/).includes('node_modules'))
    .map((name) => join(folder, name).replaceAll('\\', '/'));
}

/** Every listed pattern is a folder and all below it ('./src/ui/**'): a prefix of the path it covers. */
function folderOf(pattern: string): string {
  const match = /^\.\/(.+\/)\*\*$/.exec(pattern);
  if (!match?.[1]) throw new Error(`sideEffects pattern '${pattern}' is not of the form './folder/**'`);
  return match[1];
}

const covered = (path: string) => manifest.sideEffects.some((pattern) => path.startsWith(folderOf(pattern)));

/** Modules that register elements, and the relative modules imported only for their effect. */
function modulesWithEffects(): string[] {
  const found = new Set<string>();
  for (const file of ['src', 'workers', 'examples', 'bench', 'tests'].flatMap(sourceFiles)) {
    const text = readFileSync(join(root, file), 'utf8');
    if (/@customElement\(|customElements\.define\(/.test(text)) found.add(file);
    for (const [, target] of text.matchAll(/^import '(\.{1,2}\/[^']+)';/gm)) {
      found.add(relative(root, resolve(root, dirname(file), `${target ?? ''}.ts`)).replaceAll('\\', '/'));
    }
  }
  return [...found];
}

describe('package.json sideEffects', () => {
  test('covers every module that registers an element or is imported for its effect, in src/ and in lib/', () => {
    const modules = modulesWithEffects();
    expect(modules).toContain('src/app/persona-app.ts');
    expect(modules.filter((path) => !covered(path))).toEqual([]);
    // The compiled library keeps the same layout under lib/.
    const shipped = modules.filter((path) => path.startsWith('src/') || path.startsWith('workers/'));
    expect(shipped.filter((path) => !covered(`lib/${path.replace(/\.ts$/, '.js')}`))).toEqual([]);
  });

  test('covers the workers, which run as entry modules of their own', () => {
    expect(sourceFiles('workers').filter((path) => path.endsWith('.worker.ts') && !covered(path))).toEqual([]);
  });
});
