// A worker that is started again after it dies. The first call starts it; a call that is running when it dies
// fails with WorkerCrashedError (the request is lost, and retrying blindly could repeat a side effect); the next call
// starts a fresh worker and runs `prepare` on it first (load the model again), so the failure costs one request.
import { wrap, type Remote } from 'comlink';
import { installNamedErrorTransfer } from './named-error-transfer';
import { workerCrash } from './worker-crash';
import { lifelineEnded, newLifelineName } from './worker-lifeline';

/** What every supervised worker's host exposes: it holds the named lock for its whole life (holdLifeline). */
export interface LifelineHost {
  lifeline(name: string): Promise<void>;
}

interface Connection<H> {
  worker: Worker;
  host: Remote<H>;
  crashed: Promise<never>;
}

export class SupervisedWorker<H extends LifelineHost> {
  /** The worker being started or running; undefined once it died, so the next call starts another. */
  #current: Promise<Connection<H>> | undefined;
  #live: Connection<H> | undefined;
  #starts = 0;
  #stopped = false;

  constructor(
    /** Creates the worker (the caller's `new Worker(new URL(…))`, so the bundler sees its URL). */
    private readonly spawn: () => Worker,
    /** Names the worker in errors: 'embedder', 'wllama LLM'. */
    readonly what: string,
    /** Runs on each fresh worker before any call: `restart` is false the first time. */
    private readonly prepare: (host: Remote<H>, restart: boolean) => Promise<void> = () => Promise.resolve(),
  ) {
    installNamedErrorTransfer();
  }

  /** How many workers were started: 1 until the first one died. */
  get starts(): number {
    return this.#starts;
  }

  /** Runs `call` against the live worker (starting one if needed); fails with WorkerCrashedError if it dies. */
  async call<T>(call: (host: Remote<H>) => Promise<T>): Promise<T> {
    const connection = await this.#connection();
    return Promise.race([call(connection.host), connection.crashed]);
  }

  /** Starts the worker now rather than at the first call (to load a model ahead, or to fail early). */
  async start(): Promise<void> {
    await this.#connection();
  }

  /** Ends the worker for good: later calls fail. */
  terminate(): void {
    this.#stopped = true;
    this.#live?.worker.terminate();
    void this.#current?.then(({ worker }) => { worker.terminate(); }, () => undefined);
    this.#current = undefined;
    this.#live = undefined;
  }

  #connection(): Promise<Connection<H>> {
    if (this.#stopped) return Promise.reject(new Error(`the ${this.what} worker was terminated`));
    if (!this.#current) {
      const attempt = this.#start();
      this.#current = attempt;
      attempt.catch(() => {
        if (this.#current === attempt) this.#current = undefined;
      });
    }
    return this.#current;
  }

  async #start(): Promise<Connection<H>> {
    const restart = this.#starts > 0;
    this.#starts++;
    const worker = this.spawn();
    const host = wrap<H>(worker);
    const name = newLifelineName(this.what);
    try {
      // Until the worker holds its lifeline, only a death it reports (a script error) can be seen.
      await Promise.race([host.lifeline(name), workerCrash(worker, this.what)]);
      const connection: Connection<H> = { worker, host, crashed: workerCrash(worker, this.what, lifelineEnded(name)) };
      connection.crashed.catch(() => {
        worker.terminate();
        if (this.#live !== connection) return;
        this.#live = undefined;
        this.#current = undefined;
      });
      await Promise.race([this.prepare(host, restart), connection.crashed]);
      this.#live = connection;
      return connection;
    } catch (error) {
      worker.terminate();
      throw error;
    }
  }
}
