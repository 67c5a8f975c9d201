// A host app's code against the installed package: the engine (`persona`), the UI elements (`persona/ui`) and the
// widget's types (`persona/widget`), each through the package's exports map and its declarations.
import { createPersona, EVENT_KINDS, InvalidEventError, InvalidInputError, type HistoryEvent, type Persona, type PersonaStatus } from 'persona';
import { PersonaApp, PersonaHistoryView } from 'persona/ui';
import { PersonaWidget, type WidgetConnection, type WidgetMode } from 'persona/widget';

export interface ConsumerOutcome {
  recorded: string[];
  listed: string[];
  /** Events the embedder worker has embedded (the bundled model and onnxruntime's wasm, served by the host). */
  embedded: number;
  model: string | undefined;
  /** The named error a bad event is refused with, as the page sees it. */
  refusal: string;
  /** The option a bad model folder is refused for. */
  badFolder: string;
  /** Events stored after the refused one (the refusal changes nothing). */
  afterRefusal: number;
  elements: { app: boolean; history: boolean; widget: boolean };
}

const READS: readonly { itemId: string; text: string }[] = [
  { itemId: 'recipe-1', text: 'A sourdough starter from flour and water' },
  { itemId: 'recipe-2', text: 'Slow-cooked tomato sauce with basil' },
];

/** Resolves once every recorded event is embedded (the status arrives over the engine's subscription). */
function embeddedAll(persona: Persona, count: number): Promise<PersonaStatus> {
  return new Promise((resolve, reject) => {
    const check = (status: PersonaStatus) => {
      const { intelligence } = status;
      if (intelligence.phase === 'failed') reject(new Error(`the embedder failed: ${intelligence.problem ?? 'no reason given'}`));
      else if (intelligence.phase === 'ready' && intelligence.embedded >= count && intelligence.pending === 0) resolve(status);
    };
    persona.subscribe(check).then(() => persona.status().then(check), reject);
  });
}

/** Where this app serves Persona's bundled embedder model: not the default /models/, so the option is what finds it. */
const EMBEDDER_MODELS = 'persona-models/';

export async function runConsumer(): Promise<ConsumerOutcome> {
  // A folder that is no web address is refused by name before any worker starts.
  const badFolder = await createPersona({ name: 'library-consumer', embedderModels: 'data:text/plain,models' }).then(
    async (persona) => {
      await persona.close();
      return 'accepted';
    },
    (error: unknown) => (error instanceof InvalidInputError ? error.field : `not an InvalidInputError: ${String(error)}`),
  );
  const persona: Persona = await createPersona({ name: 'library-consumer', embedderModels: EMBEDDER_MODELS });
  try {
    const recorded: HistoryEvent[] = await persona.record(READS.map((read) => ({ kind: 'view', ...read })));
    const page = await persona.events.list();
    const status = await embeddedAll(persona, recorded.length);
    // A rating must be a finite number: the engine refuses the event with its named error class, and stores nothing.
    const refusal = await persona.record({ kind: 'rating', itemId: 'recipe-3', text: 'Bread', rating: Number.NaN }).then(
      () => 'accepted',
      (error: unknown) => (error instanceof InvalidEventError ? error.name : `not an InvalidEventError: ${String(error)}`),
    );
    const afterRefusal = await persona.events.list();
    return {
      recorded: recorded.map((event) => event.itemId ?? ''),
      listed: page.events.map((event) => event.itemId ?? ''),
      embedded: status.intelligence.embedded,
      model: status.intelligence.model,
      refusal,
      badFolder,
      afterRefusal: afterRefusal.events.length,
      elements: {
        app: customElements.get('persona-app') === PersonaApp,
        history: customElements.get('persona-history-view') === PersonaHistoryView,
        widget: customElements.get('persona-widget') === PersonaWidget,
      },
    };
  } finally {
    await persona.close();
  }
}

/** Never called: what the declarations must refuse. `tsc --noEmit` fails if any of these lines type-checks. */
export function refusedByTheTypes(persona: Persona, connection: WidgetConnection): void {
  // @ts-expect-error 'like' is not an event kind
  void persona.record({ kind: 'like', text: 'x' });
  // @ts-expect-error an event needs its text
  void persona.record({ kind: EVENT_KINDS[0] });
  // @ts-expect-error the widget has two modes only
  const mode: WidgetMode = 'shared';
  void mode;
  // @ts-expect-error ask() takes the question as a string
  void document.createElement('persona-widget').ask({ prompt: 'hi' });
  void connection;
}
