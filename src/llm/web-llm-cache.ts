// Removing a model from web-llm's cache completely. web-llm's own deleteModelAllInfoInCache reads the cached
// tensor-cache.json to find the weight shards; when a failed load cached an HTML error page under that name, the
// read throws and the rest (the cached "config") stays behind to poison the next load. So each of web-llm's steps
// is tried on its own, and with the Cache API backend every entry under the model's URL is swept as well.
import type { AppConfig } from '@mlc-ai/web-llm';
import type { MlcSource } from './model-spec';

/** web-llm's cleaned weights URL: it appends resolve/main/ unless the URL names a revision. */
export function weightsBaseUrl(modelUrl: string): string {
  const withSlash = modelUrl.endsWith('/') ? modelUrl : `${modelUrl}/`;
  return new URL(/.+\/resolve\/.+\//.test(withSlash) ? withSlash : `${withSlash}resolve/main/`).href;
}

export async function purgeModelCache(mlc: MlcSource, appConfig: AppConfig): Promise<void> {
  const { deleteModelAllInfoInCache } = await import('@mlc-ai/web-llm');
  await deleteModelAllInfoInCache(mlc.modelId, appConfig).catch(() => undefined);
  if ((appConfig.cacheBackend ?? 'cache') !== 'cache' || typeof caches === 'undefined') return;
  const base = weightsBaseUrl(mlc.modelUrl);
  const library = new URL(mlc.modelLibUrl, location.href).href;
  for (const name of await caches.keys()) {
    if (!name.startsWith('webllm')) continue;
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      if (request.url.startsWith(base) || request.url === library) await cache.delete(request);
    }
  }
}
