/// <reference types="vitest/config" />
// One config for the app build, the dev and preview servers, and the three test projects:
// unit (Node + fake-indexeddb), browser (Vitest browser mode in a real Chromium), e2e (the built app in Chromium).
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { CHROMIUM_ARGS, findChromium } from './scripts/chromium.ts';
import { modelFilesNotFound } from './scripts/model-files.ts';
import { ISOLATION_HEADERS, modelHostsFrom, securityHeaders, widgetFrameHeaders, widgetHostsFrom } from './scripts/security-headers.ts';
import { hasTestModels, NEEDS_TEST_MODELS, testModelServer } from './tests/support/test-model-server.ts';
import { pwaOptions } from './scripts/pwa.ts';
import { sizeBudget } from './scripts/size-budget.ts';
import { WIDGET_ENTRY, WIDGET_FILE, widgetAssetHeaders } from './scripts/widget-assets.ts';
import { widgetFramePage } from './scripts/widget-frame-page.ts';

// The LLM tests load a real model from the shared test data beside the repository; where it is missing, the files
// that need it are left out (and scripts/check-test-models.ts says so loudly) rather than failing for want of data.
const modelTestsExcluded = process.env.VITEST && !hasTestModels(process.cwd()) ? NEEDS_TEST_MODELS : [];

// Model hosts the built app may download from (origins and presets such as 'huggingface'); empty means models come
// from the app's own origin only. The CSP allows exactly these, and the app refuses others by name (model-hosts.ts).
const modelHosts = modelHostsFrom(process.env.PERSONA_MODEL_HOSTS);

// Host sites allowed to embed the isolated widget frame (widget-frame.html) and talk to it: its CSP frame-ancestors
// and the frame's own message allow-list (src/widget/isolated/widget-hosts.ts) are both this list.
const widgetHosts = widgetHostsFrom(process.env.PERSONA_WIDGET_HOSTS);

export default defineConfig({
  // Tests (and only tests) also get the shared real test models under /test-models/.
  plugins: [
    modelFilesNotFound(),
    sizeBudget(),
    widgetAssetHeaders(),
    VitePWA(pwaOptions),
    widgetFramePage({
      preview: widgetFrameHeaders({ modelHosts, widgetHosts }),
      ...(process.env.VITEST ? {} : { dev: widgetFrameHeaders({ modelHosts, widgetHosts, dev: true }) }),
    }),
    ...(process.env.VITEST ? [testModelServer()] : []),
  ],
  // Vitest's browser runner injects inline scripts a CSP would block; its pages keep the isolation headers only.
  // The e2e project checks the CSP on the real build.
  server: { headers: process.env.VITEST ? { ...ISOLATION_HEADERS } : securityHeaders({ modelHosts, dev: true }) },
  preview: { headers: securityHeaders({ modelHosts }) },
  define: { __PERSONA_MODEL_HOSTS__: JSON.stringify(modelHosts), __PERSONA_WIDGET_HOSTS__: JSON.stringify(widgetHosts) },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: true,
    // Three entries: the app (index.html), the isolated widget frame host sites embed (widget-frame.html), and the
    // embeddable widget, an ES module at a stable path hosts can link to.
    rolldownOptions: {
      input: { index: 'index.html', 'widget-frame': 'widget-frame.html', [WIDGET_ENTRY]: 'src/widget/persona-widget.ts' },
      output: { entryFileNames: (chunk) => (chunk.name === WIDGET_ENTRY ? WIDGET_FILE : 'assets/[name]-[hash].js') },
    },
    // Preloading would add <link> elements to a host page's head, resolved against the host's origin.
    modulePreload: { resolveDependencies: (_file, deps, { hostId }) => (hostId === WIDGET_FILE ? [] : deps) },
  },
  // Files the code refers to (wasm, workers, chunks) resolve against the code's own URL, not the page's: the widget
  // runs on host pages of other origins, and its workers start from blob: URLs at the host's origin.
  experimental: { renderBuiltUrl: (_file, { hostType }) => (hostType === 'js' ? { relative: true } : undefined) },
  test: {
    reporters: ['default', './tests/support/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: ['tests/unit/**/*.test.ts'],
          setupFiles: ['fake-indexeddb/auto'],
          // Generous: on a loaded 2-core machine the 100k-event suite shares the CPU with everything else.
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts', 'tests/unit/store/**/*.test.ts'],
          exclude: [...modelTestsExcluded],
          testTimeout: 120_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.test.ts'],
          exclude: [...modelTestsExcluded],
          globalSetup: ['tests/e2e/serve-built-app.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          // `npm pack`, a scratch host app installing the tarball, its type check and its Vite build in Chromium.
          name: 'package',
          environment: 'node',
          include: ['tests/package/**/*.test.ts'],
          exclude: ['tests/package/consumer/**'],
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
