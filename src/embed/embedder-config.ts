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
