// How a part of a view runs one of the user's changes: busy while it runs (buttons disable), its failure shown in
// words (a named error by name), the previous failure cleared by a success. Held by the element, which it asks to
// render again, so every part that owns a form says the same thing the same way without a base class of its own.
import type { ReactiveControllerHost } from 'lit';
import { describeError } from './describe-error';

export class ChangeRunner {
  busy = false;
  /** The newest failure, in words; empty when the last change worked. */
  problem = '';

  constructor(private readonly host: Pick<ReactiveControllerHost, 'requestUpdate'>) {}

  /** Runs `change`; resolves with whether it worked (a failure is in `problem`). */
  async run(change: () => Promise<unknown>): Promise<boolean> {
    this.busy = true;
    this.host.requestUpdate();
    try {
      await change();
      this.problem = '';
      return true;
    } catch (error) {
      this.problem = describeError(error);
      return false;
    } finally {
      this.busy = false;
      this.host.requestUpdate();
    }
  }

  clear(): void {
    this.problem = '';
    this.host.requestUpdate();
  }
}
