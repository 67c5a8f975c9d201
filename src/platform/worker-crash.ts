// A worker that dies (uncaught error, out of memory, a message it cannot read) leaves comlink calls pending forever.
// This promise rejects when that happens, so callers can race their calls against it.

export function workerCrash(worker: Worker, what: string): Promise<never> {
  const crashed = new Promise<never>((_, reject) => {
    const fail = (event: Event) => {
      reject(new Error(`The ${what} worker stopped (${event instanceof ErrorEvent ? event.message : event.type}).`));
    };
    worker.addEventListener('error', fail);
    worker.addEventListener('messageerror', fail);
  });
  // Nobody may be waiting when it crashes; that is not an unhandled rejection.
  crashed.catch(() => undefined);
  return crashed;
}
