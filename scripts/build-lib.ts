// `npm run build:lib` (and `npm pack`, through prepack): Persona as a library, compiled file by file into lib/.
//
// Not bundled, on purpose. Persona's engine starts module workers with `new Worker(new URL('…', import.meta.url))`
// and those workers import wasm files with `?url`. A library bundle (Vite's lib mode) would bundle every worker with
// its dependencies and inline every wasm file as base64 — a 108 MB embedder worker. Compiled module by module, the
// worker URLs and the `?url` imports reach the host's bundler as they are written, and the host's Vite bundles the
// workers and serves the wasm files from the host's own origin, exactly as Persona's own app build does.
//
// The entry points are read from package.json's `exports` (the one list of them): './lib/src/ui/index.js' is
// compiled from 'src/ui/index.ts'. Workers are found by following the `new Worker(new URL(…))` and `?worker&url`
// references of the compiled sources, and their URLs are rewritten from '.ts' to '.js'. Relative imports get their file extension
// ('./persona' → './persona.js'), in code and declarations, as ES modules and `moduleResolution: node16` expect. The
// bundled embedder model is copied beside the code so a host can serve it (README: "Use as a library").
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
export const LIB_DIR = join(root, 'lib');
/** The bundled embedder's files, served by the app from /models/ and shipped in the package under lib/models/. */
const MODELS_DIR = join(root, 'public', 'models');

/** The same pattern Vite uses to find workers: a string literal URL resolved against the module's own URL. */
const WORKER_URL = /(\bnew\s+(?:Shared)?Worker\s*\(\s*new\s+URL\s*\(\s*)(['"])(\.{1,2}\/[^'"]+)\.ts\2(\s*,\s*import\.meta\.url\s*\))/g;
/**
 * Vite's other way to name a worker: `import url from './x.worker.ts?worker&url'` builds it and gives its URL
 * (Persona starts its workers so, through src/platform/module-worker.ts). The host's Vite reads the same query.
 */
const WORKER_IMPORT = /(\bfrom\s*)(['"])(\.{1,2}\/[^'"?]+)\.ts(\?worker&url)\2/g;

interface ExportTarget {
  types?: string;
  import?: string;
}

/** Source files of the package's entry points, from package.json `exports` ('./lib/src/x.js' ← 'src/x.ts'). */
export function entrySources(packageJson: { exports?: Record<string, string | ExportTarget> }): string[] {
  const sources: string[] = [];
  for (const [subpath, target] of Object.entries(packageJson.exports ?? {})) {
    if (typeof target === 'string') continue; // './package.json' and other plain files
    const built = target.import;
    if (built === undefined || !/^\.\/lib\/.+\.js$/.test(built)) {
      throw new Error(`package.json exports["${subpath}"].import must name a file under ./lib/ ending in .js (got ${String(built)})`);
    }
    sources.push(built.replace(/^\.\/lib\//, '').replace(/\.js$/, '.ts'));
  }
  return sources;
}

/** Worker sources a module starts, resolved to absolute paths. */
function workersStartedBy(file: string, text: string): string[] {
  return [...text.matchAll(WORKER_URL), ...text.matchAll(WORKER_IMPORT)].map((match) => resolve(dirname(file), `${match[3] ?? ''}.ts`));
}

/** The emitted module with its worker URLs pointing at the compiled workers. */
function withCompiledWorkerUrls(text: string): string {
  return text
    .replace(WORKER_URL, (_all, start: string, quote: string, path: string, end: string) => `${start}${quote}${path}.js${quote}${end}`)
    .replace(WORKER_IMPORT, (_all, start: string, quote: string, path: string, query: string) => `${start}${quote}${path}.js${query}${quote}`);
}

/**
 * A relative module specifier in `import … from`, `export … from`, `import '…'` or `import('…')`, including '.' and
 * '..' (declarations name a type by the folder's index that way: `import(".").EventPage`).
 */
const RELATIVE_IMPORT = /(\b(?:from|import)\s*\(?\s*)(['"])(\.{1,2}(?:\/[^'"?#]*)?)\2/g;

/**
 * The emitted file with each extensionless relative import naming its file: './x' → './x.js' where the source is
 * x.ts, './dir' → './dir/index.js' where it is dir/index.ts. `sourceDir` is the folder of the file's source. A
 * specifier that names no source (text in a comment) is left as it is: tsc has resolved every real one already.
 */
function withFullySpecifiedImports(text: string, sourceDir: string): string {
  return text.replace(RELATIVE_IMPORT, (all, start: string, quote: string, path: string) => {
    if (!path.endsWith('/') && existsSync(join(sourceDir, `${path}.ts`))) return `${start}${quote}${path}.js${quote}`;
    if (existsSync(join(sourceDir, path, 'index.ts'))) return `${start}${quote}${path.replace(/\/$/, '')}/index.js${quote}`;
    return all;
  });
}

function fail(diagnostics: readonly ts.Diagnostic[]): never {
  const host: ts.FormatDiagnosticsHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' };
  throw new Error(`The library build failed:\n${ts.formatDiagnosticsWithColorAndContext(diagnostics, host)}`);
}

export function buildLib(): { files: number } {
  const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Parameters<typeof entrySources>[0];
  const configPath = join(root, 'tsconfig.lib.json');
  const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail([d]) });
  if (!config) throw new Error(`${configPath} could not be read`);
  if (config.errors.length > 0) fail(config.errors);

  // Follow worker references until no new worker turns up: the roots are the entries and every worker they start.
  const roots = new Set(entrySources(packageJson).map((source) => join(root, source)));
  let program: ts.Program;
  for (;;) {
    program = ts.createProgram({ rootNames: [...roots], options: config.options });
    const before = roots.size;
    for (const sourceFile of program.getSourceFiles()) {
      if (sourceFile.isDeclarationFile) continue;
      for (const worker of workersStartedBy(sourceFile.fileName, sourceFile.text)) roots.add(worker);
    }
    if (roots.size === before) break;
  }
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length > 0) fail(diagnostics);

  rmSync(LIB_DIR, { recursive: true, force: true });
  let files = 0;
  const emitted = program.emit(undefined, (fileName, text) => {
    mkdirSync(dirname(fileName), { recursive: true });
    const specified = withFullySpecifiedImports(text, join(root, relative(LIB_DIR, dirname(fileName))));
    writeFileSync(fileName, fileName.endsWith('.js') ? withCompiledWorkerUrls(specified) : specified);
    files += 1;
  });
  if (emitted.emitSkipped || emitted.diagnostics.length > 0) fail(emitted.diagnostics);

  cpSync(MODELS_DIR, join(LIB_DIR, 'models'), { recursive: true });
  return { files };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { files } = buildLib();
  console.log(`lib/: ${files} compiled files and the bundled embedder model (${relative(root, MODELS_DIR)} → lib/models)`);
}
