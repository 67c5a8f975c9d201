// A worker that moves one database's lock through every change of form without pause — enable, lock, unlock,
// disable, and again — so a test can end it (terminate) in the middle of any of them. It posts 'begin' before each
// change and 'end' after it, so the test knows whether one was under way when it ended the worker.
import { MIN_ITERATIONS } from '../../src/store/passphrase-key';
import { PersonaStore } from '../../src/store/persona-store';

self.onmessage = async (event: MessageEvent<{ name: string; passphrase: string }>) => {
  const { name, passphrase } = event.data;
  const store = await PersonaStore.open({ name });
  const fast = { iterations: MIN_ITERATIONS };
  for (;;) {
    const status = await store.lock.status();
    postMessage('begin');
    if (!status.enabled) await store.lock.enable(passphrase, fast);
    else if (status.locked) await store.lock.unlock(passphrase);
    else if (!status.keyHeld) await store.lock.unlock(passphrase);
    else if (Math.random() < 0.5) await store.lock.lock();
    else await store.lock.disable(passphrase);
    postMessage('end');
  }
};
