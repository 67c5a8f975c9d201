// A part's change: busy while it runs, a failure in words (named errors by name), cleared by the next success.
import { expect, test } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors';
import { ChangeRunner } from '../../../src/ui/change-runner';

test('busy while running; a named failure is kept until a success clears it', async () => {
  let renders = 0;
  const runner = new ChangeRunner({
    requestUpdate: () => {
      renders++;
    },
  });
  let busyInside = false;
  expect(await runner.run(() => {
    busyInside = runner.busy;
    return Promise.reject(new InvalidInputError('preference key', 'must be 1–64 letters'));
  })).toBe(false);
  expect(busyInside).toBe(true);
  expect(runner.busy).toBe(false);
  expect(runner.problem).toMatch(/^InvalidInputError: /);
  expect(renders).toBeGreaterThanOrEqual(2);

  expect(await runner.run(() => Promise.resolve('done'))).toBe(true);
  expect(runner.problem).toBe('');
});

test('clear forgets the failure', async () => {
  const runner = new ChangeRunner({ requestUpdate: () => undefined });
  await runner.run(() => Promise.reject(new Error('disk full')));
  expect(runner.problem).toBe('Something went wrong (Error): disk full');
  runner.clear();
  expect(runner.problem).toBe('');
});
