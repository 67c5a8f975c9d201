// What a backend needs to load one model. A catalogue entry carries the artefacts of each runtime it has builds for;
// a backend loads the one it understands and refuses a spec without it.

/** A GGUF for llama.cpp (wllama): a URL (the app's origin or a configured model host) or a file already on hand. */
export type GgufSource = { url: string } | { file: Blob };

/** An MLC build for web-llm: weights at an absolute base URL, the compiled WebGPU library beside or elsewhere. */
export interface MlcSource {
  /** web-llm's model id (its cache key), e.g. 'Qwen2.5-0.5B-Instruct-q4f16_1-MLC'. */
  modelId: string;
  /** Absolute URL of the weights folder (web-llm appends resolve/main/ unless it has /resolve/<rev>/). */
  modelUrl: string;
  /** URL of the model's WebGPU library (.wasm). */
  modelLibUrl: string;
  /** GPU memory the model needs, MiB (web-llm's vram_required_MB). */
  vramMiB?: number;
  /** Whether this build needs the shader-f16 feature (q4f16) or runs on f32 (q4f32). */
  needsF16?: boolean;
}

export interface ModelSpec {
  /** Persona's id for the model, stable across runtimes, e.g. 'qwen2.5-0.5b-instruct'. */
  id: string;
  /** Context window to allocate, tokens. Default 2048. */
  contextSize?: number;
  gguf?: GgufSource;
  mlc?: MlcSource;
}

export const DEFAULT_CONTEXT_SIZE = 2048;
