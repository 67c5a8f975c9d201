// The widget's own named errors (see src/core/errors.ts for the rules they follow).
import { PersonaError } from '../core/errors';

/** A call came before the widget was connected, or after it was removed from the page. */
export class WidgetNotConnectedError extends PersonaError {
  override name = 'WidgetNotConnectedError';

  constructor(what: string) {
    super(`The widget cannot ${what}: it is not connected to Persona (it connects when it is added to the page; wait for persona-ready).`);
  }
}
