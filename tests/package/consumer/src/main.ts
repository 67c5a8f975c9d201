// The page's entry: runs the consumer and leaves its outcome where the test reads it.
import { runConsumer, type ConsumerOutcome } from './consumer.js';

declare global {
  interface Window {
    consumerOutcome?: ConsumerOutcome | { error: string };
  }
}

runConsumer().then(
  (outcome) => {
    window.consumerOutcome = outcome;
  },
  (error: unknown) => {
    window.consumerOutcome = { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  },
);
