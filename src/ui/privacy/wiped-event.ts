// The event a view dispatches after persona.wipe(): the engine closed with the data, so the app (which listens for
// it) opens a fresh one. Bubbling and composed, so it leaves any shadow root the view sits in. Its own module so the
// app shell can listen without loading the view.
export const PERSONA_WIPED = 'persona-wiped';
