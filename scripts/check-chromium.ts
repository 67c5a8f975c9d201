// Runs first in `npm test`: stop at once, with the command that fixes it, when no Chromium is installed.
import { findChromium, INSTALL_HINT } from './chromium.ts';

const path = findChromium();
if (!path) {
  console.error(INSTALL_HINT);
  process.exit(1);
}
console.log(`Browser tests use ${path}`);
