// Registers the service worker that makes the app open offline (scripts/pwa.ts) and says when a new version is
// waiting. The person decides when to reload: nothing is lost either way, since their data lives in IndexedDB, which
// versions share (schema changes go through numbered migrations).
import { registerSW } from 'virtual:pwa-register';

export interface UpdateEvents {
  /** A new version is installed and waits: call `reload` to switch to it. */
  onUpdateReady: (reload: () => Promise<void>) => void;
  /** Everything the app needs is cached: it opens without a network from now on. */
  onOfflineReady: () => void;
}

export function startServiceWorker(events: UpdateEvents): void {
  if (!('serviceWorker' in navigator)) return;
  const update = registerSW({
    onNeedRefresh: () => { events.onUpdateReady(() => update(true)); },
    onOfflineReady: events.onOfflineReady,
    onRegisterError: (error: unknown) => { console.warn('Persona could not register its service worker; the app works online only.', error); },
  });
}
