// One question and its answer as the Chat view keeps them: the conversation lives in the view, not the store, so a
// temporary chat leaves nothing behind and a new chat starts from nothing.
import type { ComposerMessage } from '../../core/prompt-composer';
import type { Answer } from '../../index';

export interface ChatTurn {
  /** The view's own key for the turn; asking again gives the new answer a new one. */
  key: number;
  question: string;
  /** What the answer shows: the pieces streamed so far, the finished answer, or the user's edit of it. */
  text: string;
  phase: 'answering' | 'done' | 'stopped' | 'failed';
  /** Asked in a temporary chat: nothing of it is recorded. */
  temporary: boolean;
  /** The engine's answer once it finished (its id is undefined when nothing was recorded). */
  answer?: Answer;
  rating?: 'up' | 'down';
  edited: boolean;
}

/** The messages a new question continues: each earlier turn that has an answer, as the user last saw it. */
export function conversationBefore(turns: readonly ChatTurn[]): ComposerMessage[] {
  return turns
    .filter((turn) => turn.phase !== 'failed' && turn.phase !== 'answering' && turn.text.length > 0)
    .flatMap((turn): ComposerMessage[] => [
      { role: 'user', content: turn.question },
      { role: 'assistant', content: turn.text },
    ]);
}
