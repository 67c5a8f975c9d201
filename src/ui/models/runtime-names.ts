// The model runtimes in the words the Models view uses for them.
import type { BackendKind } from '../../index';

export const RUNTIME_NAMES: Readonly<Record<BackendKind, string>> = {
  'web-llm': 'web-llm on the GPU (WebGPU)',
  wllama: 'llama.cpp on the CPU (wllama)',
  'prompt-api': "the browser's built-in model",
};
