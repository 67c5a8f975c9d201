// The installable app: its web app manifest and the service worker vite-plugin-pwa generates with Workbox. The
// precache holds what opening the app and using it offline needs — the shell, the view modules, the bundled embedder
// model and the runtime WASM files (llama.cpp, onnxruntime), which is why the 2 MiB default per file is raised. LLM
// weights never enter it: they live in their runtimes' own caches (OPFS for llama.cpp, web-llm's cache).
import type { VitePWAOptions } from 'vite-plugin-pwa';

/** The largest runtime file (onnxruntime's WASM, ~27 MB) fits under this; anything bigger is a mistake to precache. */
const LARGEST_PRECACHED_FILE = 32 * 1024 * 1024;

export const pwaOptions: Partial<VitePWAOptions> = {
  // A new version waits until the person chooses to reload (src/app/service-worker.ts shows the prompt).
  registerType: 'prompt',
  injectRegister: false,
  manifest: {
    name: 'Persona: personalization that stays on your device',
    short_name: 'Persona',
    description: 'Your history, your profile and a local language model, all in this browser. Nothing leaves the device.',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    theme_color: '#1f5fbf',
    background_color: '#ffffff',
    icons: [
      { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
  },
  workbox: {
    globPatterns: ['**/*.{html,js,css,svg,png,wasm,json,onnx,txt}'],
    // Source maps are for developers, and the examples are not part of the app.
    globIgnores: ['**/*.map', 'examples/**'],
    maximumFileSizeToCacheInBytes: LARGEST_PRECACHED_FILE,
    // Navigations to the app's URLs are answered from the precached shell, offline too; model files never are.
    navigateFallback: '/index.html',
    navigateFallbackDenylist: [/^\/models\//, /^\/test-models\//, /^\/test-spa-fallback\//],
    cleanupOutdatedCaches: true,
  },
};
