// Unlocked data is sealed field by field at rest (field-seal.ts), so a tab needs the key to read it. A tab that opens
// while another has unlocked, or that hears of an unlock elsewhere, asks on this channel; a tab holding the key
// answers with the passphrase's derived secret. The asker checks the secret against the lock record's verifier
// before using it (lock-store.ts). The channel never leaves the browser: it reaches only same-origin contexts of
// this database, which the threat model already trusts (SECURITY.md: a compromised page can wait for an unlock).
type KeyMessage = { type: 'ask' } | { type: 'secret'; secret: Uint8Array<ArrayBuffer> };

export class KeyShare {
  readonly #channel: BroadcastChannel;

  constructor(
    channelKey: string,
    /** The secret if this tab holds it (answers an ask), else undefined. */
    held: () => Uint8Array<ArrayBuffer> | undefined,
    /** A secret another tab sent; the receiver checks it. */
    received: (secret: Uint8Array<ArrayBuffer>) => void,
  ) {
    this.#channel = new BroadcastChannel(`persona-lock-key:${channelKey}`);
    this.#channel.onmessage = (event: MessageEvent<unknown>) => {
      // Any same-origin context may post here: only the two known shapes are acted on.
      const message = event.data as Partial<{ type: string; secret: unknown }> | null;
      if (message?.type === 'ask') {
        const secret = held();
        if (secret) this.#channel.postMessage({ type: 'secret', secret } satisfies KeyMessage);
      } else if (message?.type === 'secret' && message.secret instanceof Uint8Array) {
        received(message.secret as Uint8Array<ArrayBuffer>);
      }
    };
  }

  ask(): void {
    this.#channel.postMessage({ type: 'ask' } satisfies KeyMessage);
  }

  close(): void {
    this.#channel.close();
  }
}
