// A worker that dies (uncaught error, out of memory, terminated, closed) leaves comlink calls pending forever. This
// promise rejects with WorkerCrashedError when that happens, so callers can race their calls against it. Without a
// lifeline (see worker-lifeline.ts) only the deaths the worker reports as events are seen.
import { WorkerCrashedError } from '../core/errors';

export function workerCrash(worker: Worker, what: string, lifeline?: Promise<void>): Promise<never> {
  const crashed = new Promise<never>((_, reject) => {
    const fail = (event: Event) => {
      reject(new WorkerCrashedError(what, event instanceof ErrorEvent ? event.message : event.type));
    };
    worker.addEventListener('error', fail);
    worker.addEventListener('messageerror', fail);
    void lifeline?.then(() => {
      reject(new WorkerCrashedError(what, 'it is gone: terminated, closed or killed by the browser'));
    });
  });
  // Nobody may be waiting when it crashes; that is not an unhandled rejection.
  crashed.catch(() => undefined);
  return crashed;
}
