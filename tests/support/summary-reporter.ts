// Ends every run with one plain line, "N passed, N failed, N skipped", per project and in all, so CI logs and
// people can read the outcome without Vitest's colours and layout.
import type { Reporter, TestModule } from 'vitest/node';

type Counts = { passed: number; failed: number; skipped: number };

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: readonly TestModule[], unhandledErrors: readonly unknown[]): void {
    const byProject = new Map<string, Counts>();
    const total: Counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of modules) {
      const project = module.project.name || 'default';
      const counts = byProject.get(project) ?? { passed: 0, failed: 0, skipped: 0 };
      byProject.set(project, counts);
      // A module that failed to load has no tests but is a failure all the same.
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) {
        counts.failed++;
        total.failed++;
      }
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        const key = state === 'passed' ? 'passed' : state === 'failed' ? 'failed' : 'skipped';
        counts[key]++;
        total[key]++;
      }
    }
    for (const [project, counts] of byProject) console.log(`${project}: ${line(counts)}`);
    if (unhandledErrors.length > 0) console.log(`unhandled errors: ${unhandledErrors.length}`);
    console.log(line({ ...total, failed: total.failed + unhandledErrors.length }));
  }
}

function line({ passed, failed, skipped }: Counts): string {
  return `${passed} passed, ${failed} failed, ${skipped} skipped`;
}
