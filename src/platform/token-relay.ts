// Pieces of an answer streamed from a worker arrive through a comlink proxy, which has a MessagePort of its own; the
// call's result comes back on the main port. The two ports are not ordered with each other, so the result can
// arrive before the last pieces. The relay restores the promise callers rely on: every piece, in order, before the
// call resolves — on finish() it delivers what has not arrived yet, and drops pieces that arrive after.

export interface TokenRelay {
  /** Hand this (as a comlink proxy) to the worker. */
  piece: (piece: string) => void;
  /** Call with the result's text before resolving: delivers the missing end, and stops the relay. */
  finish: (text: string) => void;
}

export function tokenRelay(onToken: (piece: string) => void): TokenRelay {
  let delivered = '';
  let finished = false;
  return {
    piece(piece) {
      if (finished) return;
      delivered += piece;
      onToken(piece);
    },
    finish(text) {
      if (finished) return;
      finished = true;
      if (text.length > delivered.length && text.startsWith(delivered)) onToken(text.slice(delivered.length));
    },
  };
}
