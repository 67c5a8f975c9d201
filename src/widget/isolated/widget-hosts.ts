// The host sites allowed to embed Persona's isolated widget frame and talk to it. The deployment names them when it
// builds (PERSONA_WIDGET_HOSTS, comma-separated origins, parsed by scripts/security-headers.ts): the same list becomes
// the frame page's CSP frame-ancestors, so a site off the list can neither embed the frame nor be heard by it. A host
// page has no say in it.

/** Replaced at build time (vite.config.ts `define`) with the parsed origins; absent under plain Node. */
declare const __PERSONA_WIDGET_HOSTS__: readonly string[] | undefined;

export const WIDGET_HOSTS_SETTING = 'PERSONA_WIDGET_HOSTS';

/** Origins this build lets embed the widget frame, e.g. ['https://recipes.example']. */
export function allowedWidgetHosts(): readonly string[] {
  return typeof __PERSONA_WIDGET_HOSTS__ === 'undefined' ? [] : __PERSONA_WIDGET_HOSTS__;
}
