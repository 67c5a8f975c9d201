// The widget's configuration: what its attributes say, checked and turned into what the connection takes, and the
// JS `options` object for what attributes cannot carry.
import { InvalidInputError } from '../core/errors';
import type { RankOptions } from '../core/ranking';
import type { EngineOpenOptions } from '../engine/engine-host';
import type { ModelSpec } from '../llm/model-spec';
import type { WidgetMode, WidgetRankOptions } from './widget-connection';

export interface PersonaWidgetOptions {
  /** The model `ask` answers with (wins over the model attributes); loaded on the first question. */
  model?: ModelSpec;
  /** The site's personas and global defaults: cold-start priors for ranking and answers (see PersonaEngineOptions.priors). */
  priors?: EngineOpenOptions['priors'];
  /** The visitor's database name at the host's origin (same-origin mode; default 'persona'). */
  database?: string;
  /** The source `track` records events under unless an event names its own (default 'widget:<host name>'). */
  source?: string;
  /** Isolated mode: the URL of Persona's frame page on its own origin. */
  frameUrl?: string;
}

const MODES: readonly WidgetMode[] = ['same-origin', 'isolated'];

/** The `mode` attribute, checked: anything else is refused by name rather than guessed at. */
export function widgetMode(value: string | null | undefined): WidgetMode {
  const mode = value ?? 'same-origin';
  if ((MODES as readonly string[]).includes(mode)) return mode as WidgetMode;
  throw new InvalidInputError('mode', `must be one of ${MODES.join(', ')} (got "${mode}")`);
}

/**
 * A GGUF model from the attributes: `model-url`, resolved against `model-host` when given (else against the page),
 * named by `model` (default: the file's name). Undefined without a URL: `ask` then says no model is loaded.
 */
export function modelFromAttributes(id: string | undefined, url: string | undefined, host: string | undefined, page: string): ModelSpec | undefined {
  if (!url) return undefined;
  let resolved: URL;
  try {
    resolved = new URL(url, host ? new URL(host, page) : page);
  } catch {
    throw new InvalidInputError('model-url', `is not a URL (got "${url}"${host ? ` with model-host "${host}"` : ''})`);
  }
  if (resolved.protocol !== 'https:' && resolved.protocol !== 'http:') throw new InvalidInputError('model-url', `must be an http(s) URL (got "${resolved.protocol}")`);
  const name = id ?? decodeURIComponent(resolved.pathname.split('/').pop() ?? '').replace(/\.gguf$/i, '');
  return { id: name || 'model', gguf: { url: resolved.href } };
}

/** The widget's two knobs in the engine's terms: diversity d is MMR with λ = 1 − d (λ kept above 0, which MMR needs). */
export function rankOptions({ limit, diversity }: WidgetRankOptions): RankOptions {
  if (diversity !== undefined && !(diversity >= 0 && diversity <= 1)) throw new InvalidInputError('diversity', `must be between 0 and 1 (got ${diversity})`);
  return {
    ...(limit === undefined ? {} : { limit }),
    ...(diversity ? { mmrLambda: Math.max(0.05, 1 - diversity) } : {}),
  };
}
