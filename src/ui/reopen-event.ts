// The event a view dispatches when the engine must start again to apply a choice it reads only when it opens (the
// search model). Bubbling and composed, so it leaves any shadow root; the app shell closes the engine and opens a
// fresh one on the same data. Its own module so the shell can listen without loading the view.
export const PERSONA_REOPEN = 'persona-reopen';
