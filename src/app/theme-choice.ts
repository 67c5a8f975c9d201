// The light/dark choice: following the OS unless the person picked one. It is a display setting of this browser,
// not personal data, so it lives in localStorage where it is read before the first paint of the app.
export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'persona.theme';
const ORDER: readonly ThemeChoice[] = ['system', 'light', 'dark'];

export const THEME_LABELS: Readonly<Record<ThemeChoice, string>> = { system: 'as the device', light: 'light', dark: 'dark' };

export function loadThemeChoice(): ThemeChoice {
  try {
    const saved = localStorage.getItem(KEY);
    return ORDER.find((choice) => choice === saved) ?? 'system';
  } catch {
    // Storage can be off (privacy settings, sandboxed frames): follow the OS.
    return 'system';
  }
}

export function saveThemeChoice(choice: ThemeChoice): void {
  try {
    if (choice === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    // Not saved: the choice still applies to this page.
  }
}

export function nextThemeChoice(choice: ThemeChoice): ThemeChoice {
  return ORDER[(ORDER.indexOf(choice) + 1) % ORDER.length] ?? 'system';
}
