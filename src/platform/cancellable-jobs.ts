// An AbortSignal cannot cross a worker boundary. The worker side runs each cancellable call as a job with an id and
// its own AbortController; the page side sends that id to cancel when the caller's signal aborts.

/** Worker side: the calls in flight, by job id. */
export class CancellableJobs {
  readonly #jobs = new Map<string, AbortController>();

  async run<T>(jobId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    this.#jobs.set(jobId, controller);
    try {
      return await work(controller.signal);
    } finally {
      this.#jobs.delete(jobId);
    }
  }

  cancel(jobId: string): void {
    this.#jobs.get(jobId)?.abort();
  }
}

/** Page side: runs `call` under a fresh job id, telling the worker to `cancel` it when `signal` aborts. */
export async function remoteJob<T>(signal: AbortSignal | undefined, cancel: (jobId: string) => unknown, call: (jobId: string) => Promise<T>): Promise<T> {
  const jobId = crypto.randomUUID();
  const stop = () => void cancel(jobId);
  signal?.addEventListener('abort', stop, { once: true });
  try {
    // Already aborted: the worker still receives the call, then its cancellation right behind it.
    if (signal?.aborted) queueMicrotask(stop);
    return await call(jobId);
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}
