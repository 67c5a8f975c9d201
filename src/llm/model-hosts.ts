// Where model files may come from. The build names its model hosts (PERSONA_MODEL_HOSTS, expanded by
// scripts/security-headers.ts) and the Content-Security-Policy allows exactly those besides the app's own origin, so
// nothing else can be reached. The same list is compiled in, so a URL outside it is refused up front with an error
// that names the setting, instead of a bare "Failed to fetch" from the policy.
import { ModelHostNotAllowedError } from '../core/errors';
import { personaOrigin } from '../platform/bundled-url';

/** Replaced at build time (vite.config.ts `define`) with the expanded host list; absent under plain Node. */
declare const __PERSONA_MODEL_HOSTS__: readonly string[] | undefined;

export const MODEL_HOSTS_SETTING = 'PERSONA_MODEL_HOSTS';

/** Origins this build allows model files from, besides its own. */
export function allowedModelHosts(): readonly string[] {
  return typeof __PERSONA_MODEL_HOSTS__ === 'undefined' ? [] : __PERSONA_MODEL_HOSTS__;
}

/** Throws ModelHostNotAllowedError unless `url` is on this origin or an allowed model host. */
export function checkModelHost(url: string, hosts: readonly string[] = allowedModelHosts(), own: string = location.origin): void {
  const { origin, protocol } = new URL(url, own);
  // blob: and data: URLs hold bytes already on the device. Persona's own origin serves its models too when a host
  // page of another origin embeds the widget (the two are the same for the app).
  if (protocol === 'blob:' || protocol === 'data:' || origin === own || origin === personaOrigin() || hosts.includes(origin)) return;
  throw new ModelHostNotAllowedError(url, origin, MODEL_HOSTS_SETTING, hosts.join(', '));
}
