// Which embedder Persona runs: the bundled offline model unless the user opted into another (a hub or self-hosted
// MiniLM-class model). If the chosen model cannot be loaded, Persona stays on the bundled one and says why.
import * as v from 'valibot';
import { parseInput } from '../core/input-validation';
import type { Embedder } from '../embed/embedder';
import { BUNDLED_EMBEDDER, embedderModelId, type EmbedderConfig } from '../embed/embedder-config';
import type { SettingsStore } from '../store/settings';

export const EMBEDDER_SETTING = 'embedder';

// A name part: letters, digits, '_', '-', and single dots inside (never '..', never leading).
const NAME = '[\\w-]+(?:\\.[\\w-]+)*';

/** https anywhere; plain http only on this machine (a self-hosted model server during development). */
function isAllowedHost(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return protocol === 'https:' || (protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(hostname));
}

const embedderSettingSchema = v.strictObject({
  model: v.pipe(v.string(), v.regex(new RegExp(`^${NAME}(?:/${NAME})?$`), 'must be a model id like owner/name')),
  remoteHost: v.optional(
    v.pipe(v.string(), v.url('must be an absolute URL'), v.check(isAllowedHost, 'must be https (or http on this machine)')),
  ),
  dtype: v.picklist(['q8', 'fp32', 'fp16', 'int8', 'uint8', 'q4'], 'must be a known weights variant'),
});

export type EmbedderSetting = v.InferOutput<typeof embedderSettingSchema>;

export interface EmbedderStatus {
  /** Model id of the embedder in use. */
  active: string;
  bundled: boolean;
  /** The model the user asked for, when it is not the one in use. */
  requested?: string;
  /** Why the requested model is not in use. */
  fallbackReason?: string;
}

/** Stores the user's choice (validated); undefined returns to the bundled model. */
export async function chooseEmbedder(settings: SettingsStore, setting: EmbedderSetting | undefined): Promise<void> {
  if (setting === undefined) {
    await settings.delete(EMBEDDER_SETTING);
    return;
  }
  const valid = parseInput(embedderSettingSchema, setting, 'embedder');
  await settings.set(EMBEDDER_SETTING, { ...valid });
}

/** The user's stored choice, or undefined for the bundled model. */
export async function embedderChoice(settings: SettingsStore): Promise<EmbedderSetting | undefined> {
  const stored = await settings.get(EMBEDDER_SETTING);
  return stored === undefined ? undefined : parseInput(embedderSettingSchema, stored, 'settings.embedder');
}

export async function selectEmbedder<E extends Embedder>(
  settings: SettingsStore,
  load: (config: EmbedderConfig) => Promise<E>,
  bundled: EmbedderConfig = BUNDLED_EMBEDDER,
): Promise<{ embedder: E; status: EmbedderStatus }> {
  let setting: EmbedderSetting | undefined;
  try {
    setting = await embedderChoice(settings);
  } catch (error) {
    // A stored choice this build cannot read (written by hand, or by a later version): search by meaning still works.
    const embedder = await load(bundled);
    const why = error instanceof Error ? error.message : String(error);
    return { embedder, status: { active: embedder.model, bundled: true, fallbackReason: `The stored search-model choice is not valid (${why}); using the bundled offline model.` } };
  }
  if (setting !== undefined) {
    const config: EmbedderConfig = { ...bundled, ...setting };
    try {
      const embedder = await load(config);
      return { embedder, status: { active: embedder.model, bundled: false } };
    } catch (error) {
      const embedder = await load(bundled);
      const where = setting.remoteHost ?? bundled.localModelPath;
      return {
        embedder,
        status: {
          active: embedder.model,
          bundled: true,
          requested: embedderModelId(config),
          fallbackReason: `${setting.model} could not be loaded from ${where} (${error instanceof Error ? error.message : String(error)}); using the bundled offline model.`,
        },
      };
    }
  }
  const embedder = await load(bundled);
  return { embedder, status: { active: embedder.model, bundled: true } };
}
