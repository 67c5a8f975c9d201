// Accessibility audit for the app's views: axe-core's serious and critical findings, in the theme the app is forced
// to, so light and dark are each checked against the same rules.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/** Serious or critical axe findings on the page in `theme` ('rule: target' each); [] when clean. */
export async function seriousAxeFindings(page: Page, theme: 'light' | 'dark'): Promise<string[]> {
  await page.evaluate((choice) => {
    document.querySelector('persona-app')?.setAttribute('theme', choice);
  }, theme);
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) => violation.nodes.map((node) => `${violation.id}: ${JSON.stringify(node.target)} ${node.failureSummary ?? ''}`));
}
