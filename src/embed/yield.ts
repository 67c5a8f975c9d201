// Gives the event loop a turn. Inference can resolve through microtasks only, and then a worker never reads its
// messages (a cancel) until the whole job is done; a macrotask boundary between batches lets them in.
// A MessageChannel message is a macrotask without setTimeout's 4 ms clamping of nested timers.
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(undefined);
  });
}
