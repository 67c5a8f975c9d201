// The model manager's data: every catalogue model with whether and how it fits this device, what of it is on the
// device already, downloads (progress with bytes, %, speed and ETA; cancel; resumed after a failure), deletion, and
// the storage models use. GGUF files live in Persona's OPFS cache (ModelFileCache); web-llm keeps its own weights in
// its cache and downloads them when it loads them.
import { chooseBackend, type BackendChoice, type BackendKind } from '../core/backend-choice';
import type { DeviceCapabilities } from '../core/device-capabilities';
import { InvalidInputError } from '../core/errors';
import { ModelFileCache, type DownloadProgress } from './model-file-cache';
import { MODEL_CATALOGUE, modelSpecFor, needsOf, type CatalogueModel, type ModelHost } from './model-catalogue';
import type { ModelSpec } from './model-spec';
import { WebLlmBackend } from './web-llm-backend';

export interface ModelEntry {
  model: CatalogueModel;
  /** Which runtime would run it here, and why (or why nothing can). */
  choice: BackendChoice;
  /** The spec to load, for the chosen runtime's build. */
  spec: ModelSpec;
  /** Bytes to download for the chosen runtime (approximate until the server says). */
  downloadBytes: number;
  /** The GGUF on the device: complete, partial (a download to resume), or absent. */
  gguf: { state: 'complete' | 'partial' | 'absent'; bytes: number };
  /** Whether web-llm's cache holds the MLC build. */
  mlcCached: boolean;
}

export interface ModelStorage {
  /** Bytes of GGUF files in Persona's cache (complete and partial). */
  ggufBytes: number;
  /** The origin's usage and quota as the browser reports them (web-llm's cache included). */
  usageBytes?: number;
  quotaBytes?: number;
}

export interface ModelManagerOptions {
  capabilities: DeviceCapabilities;
  host?: ModelHost;
  catalogue?: readonly CatalogueModel[];
  files?: ModelFileCache;
  /** The runtime the user prefers, if any. */
  preferred?: BackendKind;
}

export class ModelManager {
  readonly #catalogue: readonly CatalogueModel[];
  readonly #host: ModelHost;

  private constructor(
    private readonly options: ModelManagerOptions,
    private readonly files: ModelFileCache,
  ) {
    this.#catalogue = options.catalogue ?? MODEL_CATALOGUE;
    this.#host = options.host ?? { kind: 'hub' };
  }

  static async open(options: ModelManagerOptions): Promise<ModelManager> {
    return new ModelManager(options, options.files ?? (await ModelFileCache.open()));
  }

  /** The key a model's GGUF is cached under (the same one WllamaBackend uses). */
  static ggufKey(modelId: string): string {
    return `${modelId}.gguf`;
  }

  async entries(): Promise<ModelEntry[]> {
    const files = new Map((await this.files.list()).map((file) => [file.key, file]));
    return Promise.all(
      this.#catalogue.map(async (model) => {
        const choice = chooseBackend(this.options.capabilities, needsOf(model), this.options.preferred);
        const spec = modelSpecFor(model, this.#host, choice.build ?? 'f16');
        const file = files.get(ModelManager.ggufKey(model.id));
        const mlcCached = await WebLlmBackend.isCached(spec).catch(() => false);
        return {
          model,
          choice,
          spec,
          downloadBytes: choice.backend === 'web-llm' ? model.mlc[choice.build ?? 'f16'].bytes : model.gguf.bytes,
          gguf: file ? { state: file.complete ? ('complete' as const) : ('partial' as const), bytes: file.size } : { state: 'absent' as const, bytes: 0 },
          mlcCached,
        };
      }),
    );
  }

  /**
   * Downloads the model's GGUF (llama.cpp's file) with progress; resumes a partial file. web-llm builds download
   * when the web-llm backend loads them (web-llm has no separate download step).
   */
  async download(modelId: string, options: { signal?: AbortSignal; onProgress?: (progress: DownloadProgress) => void } = {}): Promise<File> {
    const model = this.#model(modelId);
    const spec = modelSpecFor(model, this.#host);
    const url = spec.gguf && 'url' in spec.gguf ? spec.gguf.url : '';
    return this.files.download(url, { key: ModelManager.ggufKey(model.id), ...options });
  }

  /** Deletes everything of the model on the device: its GGUF (complete or partial) and web-llm's cached builds. */
  async delete(modelId: string): Promise<void> {
    const model = this.#model(modelId);
    await this.files.delete(ModelManager.ggufKey(model.id));
    for (const build of ['f16', 'f32'] as const) await WebLlmBackend.deleteCached(modelSpecFor(model, this.#host, build)).catch(() => undefined);
  }

  async storage(): Promise<ModelStorage> {
    const ggufBytes = await this.files.bytesUsed();
    try {
      const { usage, quota } = await navigator.storage.estimate();
      return { ggufBytes, ...(usage === undefined ? {} : { usageBytes: usage }), ...(quota === undefined ? {} : { quotaBytes: quota }) };
    } catch {
      return { ggufBytes };
    }
  }

  #model(modelId: string): CatalogueModel {
    const model = this.#catalogue.find((m) => m.id === modelId);
    if (!model) throw new InvalidInputError('modelId', `${modelId} is not in the catalogue`);
    return model;
  }
}
