// A host app's Vite config, as README "Use as a library" shows it: workers built as ES modules, as Persona's own
// app builds them (Vite's default worker format is iife).
export default {
  worker: { format: 'es' },
  build: { target: 'es2022' },
  logLevel: 'warn',
};
