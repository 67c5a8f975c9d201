// The app's entry module: defining <persona-app> is all it takes (the element opens the engine itself), plus the
// service worker that lets it open offline and tells it when a new version waits.
import './persona-app';
import { startServiceWorker } from './service-worker';

const app = document.querySelector('persona-app');
startServiceWorker({
  onUpdateReady: (reload) => { app?.showUpdate(reload); },
  onOfflineReady: () => { app?.showOfflineReady(); },
});
