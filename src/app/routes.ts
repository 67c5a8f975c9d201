// The app's views, in the order the navigation lists them. Each view's module loads when it is first opened, so the
// first screen costs only the shell and the view it shows; the URL's hash names the open view (#history).
export interface AppRoute {
  id: RouteId;
  label: string;
  /** The view's custom element. */
  tag: string;
  load: () => Promise<unknown>;
}

export type RouteId = 'chat' | 'profile' | 'memories' | 'history' | 'models' | 'data';

export const ROUTES: readonly AppRoute[] = [
  { id: 'chat', label: 'Chat', tag: 'persona-chat-view', load: () => import('../ui/views/persona-chat-view') },
  { id: 'profile', label: 'Profile', tag: 'persona-profile-view', load: () => import('../ui/views/persona-profile-view') },
  { id: 'memories', label: 'Memories', tag: 'persona-memories-view', load: () => import('../ui/views/persona-memories-view') },
  { id: 'history', label: 'History', tag: 'persona-history-view', load: () => import('../ui/views/persona-history-view') },
  { id: 'models', label: 'Models', tag: 'persona-models-view', load: () => import('../ui/views/persona-models-view') },
  { id: 'data', label: 'Data & privacy', tag: 'persona-privacy-view', load: () => import('../ui/views/persona-privacy-view') },
];

export const DEFAULT_ROUTE: RouteId = 'chat';

/** The route a URL hash names ('#memories', '#memories/some-id'), or the default. */
export function routeFromHash(hash: string): { route: AppRoute; rest: string } {
  const [id = '', ...rest] = hash.replace(/^#\/?/, '').split('/');
  const route = ROUTES.find((r) => r.id === id) ?? ROUTES.find((r) => r.id === DEFAULT_ROUTE);
  if (!route) throw new Error('the default route is missing from ROUTES');
  return { route, rest: rest.join('/') };
}
