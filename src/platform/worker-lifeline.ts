// Knowing that a worker died. A worker that is terminated, closes itself or is killed by the browser (out of memory)
// fires no event at its owner; comlink calls to it just never answer. A Web Lock held by the worker is released
// when its context goes away, however that happens — so the worker holds a uniquely named lock for its whole life,
// and the owner's request for the same lock is granted exactly when the worker is gone.

/** Worker side: holds `name` for as long as this worker lives; resolves once it is held. */
export function holdLifeline(name: string): Promise<void> {
  return new Promise((held) => {
    void navigator.locks.request(name, () => {
      held();
      // Never settles: the lock goes only with the worker.
      return new Promise<never>(() => undefined);
    });
  });
}

/** Owner side, after the worker said it holds `name`: resolves when the worker is gone. */
export function lifelineEnded(name: string): Promise<void> {
  return navigator.locks.request(name, () => undefined);
}

/** A name no other worker, tab or test will use. */
export function newLifelineName(what: string): string {
  return `persona-lifeline:${what}:${crypto.randomUUID()}`;
}
