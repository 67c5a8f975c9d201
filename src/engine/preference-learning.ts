// Feedback → the on-device preference model (src/core/preference-model.ts), and the model → the order of the
// evidence a prompt carries. The model is never stored: it is learnt again from the feedback records and the answers
// they judge (re-embedded) when the engine starts, and updated as feedback arrives. So it cannot outlive its data:
// when an answer, its question or a feedback record is deleted, its examples are forgotten (retrained without them).
import type { Feedback } from '../core/feedback';
import { PreferenceModel, type PreferenceCandidate } from '../core/preference-model';
import type { Embedder } from '../embed/embedder';
import type { PersonaStore } from '../store/persona-store';
import type { RetrievedItem } from './history-retrieval';

/** How many of the newest feedback records the model is learnt from at start. */
const REPLAY_LIMIT = 2_000;

export class PreferenceLearning {
  #model: PreferenceModel | undefined;

  constructor(
    private readonly store: PersonaStore,
    private readonly embedder: Embedder,
  ) {}

  /** Feedback examples the model has learnt from. */
  get examples(): number {
    return this.#model?.examplesSeen ?? 0;
  }

  /** Learns the model again from every kept feedback record, oldest first. */
  async rebuild(): Promise<void> {
    this.#model = undefined;
    const feedback = (await this.store.feedback.list()).slice(-REPLAY_LIMIT);
    for (const record of feedback) await this.learn(record);
  }

  /** Learns one feedback record: the judged answer (and an edited answer as liked), in the light of its question. */
  async learn(feedback: Feedback): Promise<boolean> {
    const [answer] = await this.store.events.getMany([feedback.answerId]);
    if (!answer) return false;
    const questionId = typeof answer.metadata?.questionId === 'string' ? answer.metadata.questionId : undefined;
    const [question] = questionId ? await this.store.events.getMany([questionId]) : [undefined];
    const texts = [answer.text, question?.text ?? '', feedback.editedText ?? ''];
    const vectors = await this.embedder.embed(texts);
    const dim = this.embedder.dim;
    const at = (i: number) => vectors.subarray(i * dim, (i + 1) * dim);
    const query = question ? at(1) : undefined;
    const model = (this.#model ??= new PreferenceModel({ dimension: dim, space: this.embedder.model }));
    model.learnFeedback(feedback, {
      answer: { item: at(0), ...(query ? { query } : {}) },
      ...(feedback.editedText ? { edited: { item: at(2), ...(query ? { query } : {}) } } : {}),
      sourceIds: [answer.id, ...(question ? [question.id] : [])],
    });
    return true;
  }

  /** Forgets every example that came from these events or feedback records. */
  forget(ids: readonly string[]): number {
    return this.#model?.forget(ids) ?? 0;
  }

  /** The hits in the order the model and retrieval agree on; unchanged while the model has learnt nothing. */
  async rerank(question: string, hits: RetrievedItem[]): Promise<RetrievedItem[]> {
    const model = this.#model;
    if (!model || model.examplesSeen === 0 || hits.length < 2) return hits;
    const vectors = await this.embedder.embed([question, ...hits.map((hit) => hit.event.text)]);
    const dim = this.embedder.dim;
    const query = vectors.subarray(0, dim);
    const candidates: (PreferenceCandidate & { hit: RetrievedItem })[] = hits.map((hit, i) => ({
      id: hit.id,
      score: hit.score,
      input: { item: vectors.subarray((i + 1) * dim, (i + 2) * dim), query },
      hit,
    }));
    return model.rerank(candidates).map(({ candidate }) => candidate.hit);
  }
}

