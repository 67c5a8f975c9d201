// Drives a FrameBridge the way the frame's window listener does, with real MessageEvents. The embedding page is
// stood in for by one end of a MessageChannel: it is the `source` the bridge must see, and the bridge's replies
// arrive at the other end in order. (The e2e test runs the same bridge between real windows of two sites.)
import { FrameBridge, type BridgeEngine } from '../../../src/widget/isolated/frame-bridge';
import type { FrameMessage } from '../../../src/widget/isolated/protocol';

export const HOST = 'https://recipes.example';

export class BridgeHarness {
  readonly bridge: FrameBridge;
  readonly warnings: string[] = [];
  /** The embedding page's side: what the bridge must accept messages from. */
  readonly parent: MessagePort;
  readonly #replies: FrameMessage[] = [];
  readonly #waiting: ((message: FrameMessage) => void)[] = [];

  /** `console`: ignored senders are logged as the frame page logs them, instead of into `warnings`. */
  constructor(engine: Promise<BridgeEngine>, options: { allowedOrigins?: readonly string[]; console?: boolean } = {}) {
    const channel = new MessageChannel();
    this.parent = channel.port1;
    channel.port2.onmessage = (event: MessageEvent<FrameMessage>) => {
      const waiter = this.#waiting.shift();
      if (waiter) waiter(event.data);
      else this.#replies.push(event.data);
    };
    this.bridge = new FrameBridge({
      engine,
      allowedOrigins: options.allowedOrigins ?? [HOST],
      parent: channel.port1,
      ...(options.console ? {} : { warn: (message: string) => this.warnings.push(message) }),
    });
  }

  /** The next message the bridge posts to the embedding page. */
  nextReply(): Promise<FrameMessage> {
    const queued = this.#replies.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Delivers `data` as a message event and resolves when the bridge has finished with it. */
  deliver(data: unknown, origin = HOST, source: MessageEventSource = this.parent): Promise<void> {
    return this.bridge.handle(new MessageEvent('message', { data, origin, source }));
  }

  /** Sends a request from the host and returns the bridge's final answer to it (skipping streamed tokens). */
  async send(data: unknown): Promise<FrameMessage> {
    const handled = this.deliver(data);
    let reply = await this.nextReply();
    while (reply.type === 'token') reply = await this.nextReply();
    await handled;
    return reply;
  }
}

/** An export of the user's data without what records the moment of exporting (see fuzz-record-import.test.ts). */
export async function dataLines(stream: ReadableStream<Uint8Array>): Promise<string[]> {
  return (await new Response(stream).text())
    .split('\n')
    .slice(1)
    .map((line) => line.replace(/("type":"segment".*?)"createdAt":\d+,/, '$1'));
}
