import { InvalidInputError } from '../core/errors';

// Which embedding model to load and from where. The bundled GloVe model is the default and needs no network; a
// hub or self-hosted model (MiniLM-class) is opt-in and downloads from the one host the user configured.

export interface EmbedderConfig {
  /** Model folder name, e.g. 'persona-glove-100d' or 'Xenova/all-MiniLM-L6-v2'. */
  model: string;
  /** Where bundled models are served (the app's own origin). */
  localModelPath: string;
  /** An opt-in remote host (a model hub or a self-hosted mirror, absolute URL); absent: local models only. */
  remoteHost?: string;
  /** Weights variant; always given, so a missing file is never guessed at. */
  dtype: 'q8' | 'fp32' | 'fp16' | 'int8' | 'uint8' | 'q4';
  /** Texts per inference call. */
  batchSize?: number;
}

export const BUNDLED_EMBEDDER: EmbedderConfig = {
  model: 'persona-glove-100d',
  localModelPath: '/models/',
  dtype: 'q8',
};

/** The id recorded with every vector: model and weights variant (different weights give different vectors). */
export function embedderModelId(config: Pick<EmbedderConfig, 'model' | 'dtype'>): string {
  return `${config.model}:${config.dtype}`;
}

/**
 * The bundled model served from another folder than the app's /models/ (a host app that uses Persona as a library:
 * README "Use as a library"). `folder` holds `persona-glove-100d/`. With `page` (the page's URL) it may be relative
 * to the page, or an absolute URL, and must be on the page's origin; without one (inside the engine worker, whose
 * own URL is no base the page meant) it must be an absolute path. Either way the result is an absolute path on the
 * origin: transformers.js reads only paths as local model files (an absolute URL it takes for a remote model).
 */
export function bundledEmbedderAt(folder: string, page?: string): EmbedderConfig {
  let path: string;
  if (page === undefined) {
    if (!/^\/(?!\/)[^?#]*$/.test(folder)) throw new InvalidInputError('embedderModels', `must be an absolute path such as '/assets/models/' (got '${folder}')`);
    path = folder;
  } else {
    let url: URL;
    try {
      url = new URL(folder, page);
    } catch {
      throw new InvalidInputError('embedderModels', `must be a path such as '/assets/models/' or a URL (got '${folder}')`);
    }
    const origin = new URL(page).origin;
    if (url.origin !== origin) throw new InvalidInputError('embedderModels', `must be on the page's own origin, ${origin} (got '${folder}')`);
    path = url.pathname;
  }
  return { ...BUNDLED_EMBEDDER, localModelPath: path.endsWith('/') ? path : `${path}/` };
}
