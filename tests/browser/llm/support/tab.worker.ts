// A stand-in for one browser tab in the one-model-per-browser tests: a module worker with its own SharedChatBackend.
// Web Locks and BroadcastChannel behave the same in workers as in tabs, and terminating the worker releases its lock
// the way closing a tab does. Counts the models this "tab" loaded itself.
import { expose } from 'comlink';
import type { GenerateOptions } from '../../../../src/llm/chat-backend';
import type { ModelSpec } from '../../../../src/llm/model-spec';
import { SharedChatBackend } from '../../../../src/llm/shared-chat-backend';
import { createWllamaBackend } from '../../../../workers/wllama-runtime';
import { installNamedErrorTransfer } from '../../../../src/platform/named-error-transfer';

installNamedErrorTransfer();
let backend: SharedChatBackend | undefined;
let localLoads = 0;
const controllers = new Map<string, AbortController>();

function shared(): SharedChatBackend {
  if (!backend) throw new Error('start() first');
  return backend;
}

const tab = {
  async start(name: string): Promise<void> {
    backend = new SharedChatBackend({
      name,
      createLocal: () => {
        const local = createWllamaBackend();
        const load = local.load.bind(local);
        local.load = (spec, options) => {
          localLoads++;
          return load(spec, options);
        };
        return local;
      },
    });
    await backend.ready();
  },
  isLeader: () => shared().isLeader,
  localLoads: () => localLoads,
  model: () => shared().model,
  load: (spec: ModelSpec) => shared().load(spec),
  complete(prompt: string, options: Omit<GenerateOptions, 'signal' | 'onToken'>, onToken?: (piece: string) => void, abortAfter?: { pieces: number; id: string }) {
    const controller = new AbortController();
    if (abortAfter) controllers.set(abortAfter.id, controller);
    let pieces = 0;
    return shared().complete(prompt, {
      ...options,
      signal: controller.signal,
      onToken: (piece) => {
        onToken?.(piece);
        if (abortAfter && ++pieces === abortAfter.pieces) controller.abort();
      },
    });
  },
};

export type Tab = typeof tab;
expose(tab);
