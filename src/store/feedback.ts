// Signals about answers (thumbs, edits, regenerations), kept for the on-device preference model.
import type { Feedback } from '../core/feedback';
import { feedbackInputSchema, parseInput } from '../core/input-validation';
import { describeChange } from './change-feed';
import type { StoreConnection } from './connection';

export type FeedbackInput = Pick<Feedback, 'answerId' | 'signal'> & Partial<Pick<Feedback, 'editedText' | 'note'>>;

export class FeedbackStore {
  constructor(private readonly connection: StoreConnection) {}

  async add(input: FeedbackInput): Promise<Feedback> {
    const valid = parseInput(feedbackInputSchema, input, 'feedback');
    const feedback: Feedback = { id: this.connection.newId(), ts: this.connection.clock(), ...valid };
    await this.connection.write(['feedback'], async (tx, changes) => {
      await tx.objectStore('feedback').add(feedback);
      changes.push(describeChange('feedback', 'put', [feedback.id]));
    });
    return feedback;
  }

  /** All feedback, oldest first, or only that on one answer. */
  async list(answerId?: string): Promise<Feedback[]> {
    const store = this.connection.read(['feedback']).objectStore('feedback');
    if (answerId === undefined) return store.index('by-ts').getAll();
    // The answer index orders by primary key (random ids), not time.
    return (await store.index('by-answer').getAll(answerId)).sort((a, b) => a.ts - b.ts);
  }
}
