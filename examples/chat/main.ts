// A host page using Persona as a library: open it, record what the visitor tells you, load a local model, and ask.
// Run `npm run dev` and open http://127.0.0.1:5173/examples/chat/. Query parameters:
//   ?model=<catalogue id>           (default qwen2.5-0.5b-instruct; see MODEL_CATALOGUE)
//   ?models=<absolute base URL>     a self-hosted mirror of the model files (default: the model hub)
//   ?gguf=<absolute URL of a GGUF>  any GGUF instead (e.g. /test-models/stories260K.gguf under the test server)
// The visitor's notes and answers stay in this browser; only the model files are downloaded.
import { createPersona, findModel, modelSpecFor, type ModelHost, type ModelSpec } from '../../src/index';

const params = new URLSearchParams(location.search);
const $ = (id: string) => document.getElementById(id) as HTMLElement;
const field = (id: string) => document.getElementById(id) as HTMLInputElement;
const status = (text: string) => ($('status').textContent = text);

function chosenModel(): ModelSpec {
  const gguf = params.get('gguf');
  if (gguf) return { id: 'custom-gguf', gguf: { url: new URL(gguf, location.href).href }, contextSize: 2048 };
  const model = findModel(params.get('model') ?? 'qwen2.5-0.5b-instruct');
  if (!model) throw new Error(`No such model in the catalogue: ${params.get('model') ?? ''}`);
  const base = params.get('models');
  const host: ModelHost = base ? { kind: 'self-hosted', baseUrl: base } : { kind: 'hub' };
  return modelSpecFor(model, host);
}

const persona = await createPersona();
status('Persona is open. Loading the model…');
const spec = chosenModel();
persona.models
  .load(spec, { onProgress: (p) => status(`Loading ${spec.id}: ${Math.round(p.fraction * 100)}%`) })
  .then(() => status(`Ready: ${spec.id} runs on this device.`))
  .catch((error: unknown) => status(`The model could not load: ${error instanceof Error ? error.message : String(error)}`));

$('note').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = field('note-text');
  void persona.record({ kind: 'note', text: input.value }).then(() => (input.value = ''));
});

$('ask').addEventListener('submit', (event) => {
  event.preventDefault();
  const question = field('question').value;
  const answer = $('answer');
  answer.textContent = '';
  void persona
    .chat([{ role: 'user', content: question }], { onToken: (piece) => (answer.textContent += piece) })
    .then((result) => {
      const list = $('provenance');
      list.replaceChildren(
        ...result.provenance.map((item) => {
          const li = document.createElement('li');
          li.textContent = `${item.kind} ${item.id} (${item.tokens} tokens${item.trimmed ? ', trimmed' : ''})`;
          return li;
        }),
      );
    })
    .catch((error: unknown) => (answer.textContent = error instanceof Error ? error.message : String(error)));
});
