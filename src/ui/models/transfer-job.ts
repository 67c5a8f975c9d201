// A download or model load a component runs: at most one at a time, its progress for the bar, cancellation through
// an AbortSignal, and an outcome that tells a cancel (the user's choice) from a failure. Cancelled when the
// component leaves the page, so no download runs on for a view nobody sees.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { TransferProgress } from './transfer-progress';

export type TransferOutcome = { kind: 'done' } | { kind: 'cancelled' } | { kind: 'failed'; error: unknown };

export class TransferJob implements ReactiveController {
  /** What is running, e.g. 'Downloading Qwen2.5 0.5B Instruct'; undefined when idle. */
  label: string | undefined;
  progress: TransferProgress | undefined;
  #controller: AbortController | undefined;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  get running(): boolean {
    return this.#controller !== undefined;
  }

  async run(label: string, work: (signal: AbortSignal, onProgress: (progress: TransferProgress) => void) => Promise<unknown>): Promise<TransferOutcome> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.label = label;
    this.progress = undefined;
    this.host.requestUpdate();
    try {
      await work(controller.signal, (progress) => {
        if (this.#controller !== controller) return;
        this.progress = progress;
        this.host.requestUpdate();
      });
      return { kind: 'done' };
    } catch (error) {
      return controller.signal.aborted ? { kind: 'cancelled' } : { kind: 'failed', error };
    } finally {
      if (this.#controller === controller) {
        this.#controller = undefined;
        this.label = undefined;
        this.progress = undefined;
        this.host.requestUpdate();
      }
    }
  }

  cancel(): void {
    this.#controller?.abort();
  }

  hostDisconnected(): void {
    this.cancel();
  }
}
