// The curated chat models Persona offers: small instruct models that run in a browser tab, each with its web-llm
// builds (q4f16 for GPUs with shader-f16, q4f32 otherwise) and a GGUF for llama.cpp. Sizes are the published file
// sizes rounded (the real size comes from the server at download time); GPU memory is web-llm's own figure.
// Files come from the model hub, or from one self-hosted base URL that mirrors the same layout (see the README).
import type { ModelNeeds } from '../core/backend-choice';
import type { ModelSpec } from './model-spec';

export interface CatalogueModel {
  id: string;
  label: string;
  /** Parameters, billions. */
  paramsB: number;
  contextSize: number;
  licence: string;
  mlc: { f16: MlcBuild; f32: MlcBuild };
  gguf: { repo: string; file: string; bytes: number };
}

export interface MlcBuild {
  modelId: string;
  lib: string;
  vramMiB: number;
  /** Runs with 128 MiB storage-buffer bindings (web-llm's low_resource_required). */
  lowResource: boolean;
  /** Download size, bytes (approximate). */
  bytes: number;
}

/** web-llm's compiled model libraries for the web-llm version Persona pins (0.2.86). */
const MLC_LIB_VERSION = 'v0_2_86/base';
const HUB = 'https://huggingface.co';
const MLC_LIBS = `https://raw.githubusercontent.com/mlc-ai/binary-mlc-llm-libs/main/web-llm-models/${MLC_LIB_VERSION}`;

function mlc(modelId: string, lib: string, vramMiB: number, lowResource: boolean, bytes: number): MlcBuild {
  return { modelId, lib, vramMiB, lowResource, bytes };
}

export const MODEL_CATALOGUE: readonly CatalogueModel[] = [
  {
    id: 'smollm2-360m-instruct',
    label: 'SmolLM2 360M Instruct',
    paramsB: 0.36,
    contextSize: 4096,
    licence: 'Apache-2.0',
    mlc: {
      f16: mlc('SmolLM2-360M-Instruct-q4f16_1-MLC', 'SmolLM2-360M-Instruct-q4f16_1_cs1k-webgpu.wasm', 376, true, 270e6),
      f32: mlc('SmolLM2-360M-Instruct-q4f32_1-MLC', 'SmolLM2-360M-Instruct-q4f32_1_cs1k-webgpu.wasm', 580, true, 290e6),
    },
    gguf: { repo: 'HuggingFaceTB/SmolLM2-360M-Instruct-GGUF', file: 'smollm2-360m-instruct-q8_0.gguf', bytes: 386e6 },
  },
  {
    id: 'qwen2.5-0.5b-instruct',
    label: 'Qwen2.5 0.5B Instruct',
    paramsB: 0.49,
    contextSize: 4096,
    licence: 'Apache-2.0',
    mlc: {
      f16: mlc('Qwen2.5-0.5B-Instruct-q4f16_1-MLC', 'Qwen2-0.5B-Instruct-q4f16_1_cs1k-webgpu.wasm', 945, true, 290e6),
      f32: mlc('Qwen2.5-0.5B-Instruct-q4f32_1-MLC', 'Qwen2-0.5B-Instruct-q4f32_1_cs1k-webgpu.wasm', 1060, true, 320e6),
    },
    gguf: { repo: 'Qwen/Qwen2.5-0.5B-Instruct-GGUF', file: 'qwen2.5-0.5b-instruct-q4_k_m.gguf', bytes: 398e6 },
  },
  {
    id: 'llama-3.2-1b-instruct',
    label: 'Llama 3.2 1B Instruct',
    paramsB: 1.24,
    contextSize: 4096,
    licence: 'Llama 3.2 Community',
    mlc: {
      f16: mlc('Llama-3.2-1B-Instruct-q4f16_1-MLC', 'Llama-3.2-1B-Instruct-q4f16_1_cs1k-webgpu.wasm', 879, true, 710e6),
      f32: mlc('Llama-3.2-1B-Instruct-q4f32_1-MLC', 'Llama-3.2-1B-Instruct-q4f32_1_cs1k-webgpu.wasm', 1129, true, 770e6),
    },
    gguf: { repo: 'bartowski/Llama-3.2-1B-Instruct-GGUF', file: 'Llama-3.2-1B-Instruct-Q4_K_M.gguf', bytes: 808e6 },
  },
  {
    id: 'qwen2.5-1.5b-instruct',
    label: 'Qwen2.5 1.5B Instruct',
    paramsB: 1.54,
    contextSize: 4096,
    licence: 'Apache-2.0',
    mlc: {
      f16: mlc('Qwen2.5-1.5B-Instruct-q4f16_1-MLC', 'Qwen2-1.5B-Instruct-q4f16_1_cs1k-webgpu.wasm', 1630, true, 880e6),
      f32: mlc('Qwen2.5-1.5B-Instruct-q4f32_1-MLC', 'Qwen2-1.5B-Instruct-q4f32_1_cs1k-webgpu.wasm', 1889, true, 960e6),
    },
    gguf: { repo: 'Qwen/Qwen2.5-1.5B-Instruct-GGUF', file: 'qwen2.5-1.5b-instruct-q4_k_m.gguf', bytes: 1.12e9 },
  },
  {
    id: 'phi-3.5-mini-instruct',
    label: 'Phi-3.5 mini Instruct',
    paramsB: 3.8,
    contextSize: 4096,
    licence: 'MIT',
    mlc: {
      f16: mlc('Phi-3.5-mini-instruct-q4f16_1-MLC', 'Phi-3.5-mini-instruct-q4f16_1_cs1k-webgpu.wasm', 3672, false, 2.1e9),
      f32: mlc('Phi-3.5-mini-instruct-q4f32_1-MLC', 'Phi-3.5-mini-instruct-q4f32_1_cs1k-webgpu.wasm', 5483, false, 2.3e9),
    },
    gguf: { repo: 'bartowski/Phi-3.5-mini-instruct-GGUF', file: 'Phi-3.5-mini-instruct-Q4_K_M.gguf', bytes: 2.39e9 },
  },
];

/** Where model files come from: the hub (default), or one self-hosted base URL with the same files. */
export type ModelHost = { kind: 'hub' } | { kind: 'self-hosted'; baseUrl: string };

export function findModel(id: string): CatalogueModel | undefined {
  return MODEL_CATALOGUE.find((model) => model.id === id);
}

export function needsOf(model: CatalogueModel): ModelNeeds {
  const build = (b: MlcBuild) => ({ vramMiB: b.vramMiB, maxStorageBufferBindingMiB: b.lowResource ? 128 : 1024 });
  return { id: model.id, mlc: { f16: build(model.mlc.f16), f32: build(model.mlc.f32) }, gguf: { bytes: model.gguf.bytes } };
}

/**
 * The files of `model` at `host`. A self-hosted base mirrors the hub: `<base>/mlc/<mlc model id>/resolve/main/…`
 * (web-llm's weights folder as the hub serves it), `<base>/libs/<lib>.wasm` and `<base>/gguf/<file>.gguf`. The base
 * must be an absolute URL (web-llm requires it).
 */
export function modelSpecFor(model: CatalogueModel, host: ModelHost, build: 'f16' | 'f32' = 'f16'): ModelSpec {
  const mlcBuild = model.mlc[build];
  if (host.kind === 'hub') {
    return {
      id: model.id,
      contextSize: model.contextSize,
      gguf: { url: `${HUB}/${model.gguf.repo}/resolve/main/${model.gguf.file}` },
      mlc: { modelId: mlcBuild.modelId, modelUrl: `${HUB}/mlc-ai/${mlcBuild.modelId}`, modelLibUrl: `${MLC_LIBS}/${mlcBuild.lib}`, vramMiB: mlcBuild.vramMiB, needsF16: build === 'f16' },
    };
  }
  const base = new URL(host.baseUrl.endsWith('/') ? host.baseUrl : `${host.baseUrl}/`);
  return {
    id: model.id,
    contextSize: model.contextSize,
    gguf: { url: new URL(`gguf/${model.gguf.file}`, base).href },
    mlc: {
      modelId: mlcBuild.modelId,
      // Named in full: web-llm would append resolve/main/ to a URL without a revision anyway.
      modelUrl: new URL(`mlc/${mlcBuild.modelId}/resolve/main/`, base).href,
      modelLibUrl: new URL(`libs/${mlcBuild.lib}`, base).href,
      vramMiB: mlcBuild.vramMiB,
      needsF16: build === 'f16',
    },
  };
}
