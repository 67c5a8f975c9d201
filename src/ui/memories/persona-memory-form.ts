// "Add a memory": a fact the user tells Persona about themselves directly. A refused memory is shown by its named
// error and the typed text stays in the form.
import { css, html, LitElement } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { MemoryInput } from '../../core/memory';
import type { Persona } from '../../persona';
import { ChangeRunner } from '../change-runner';
import { baseStyles } from '../theme';
import { stackedFormStyles } from '../field-styles';

declare global {
  interface HTMLElementTagNameMap {
    'persona-memory-form': PersonaMemoryForm;
  }
}

@customElement('persona-memory-form')
export class PersonaMemoryForm extends LitElement {
  static override styles = [
    baseStyles,
    stackedFormStyles,
    css`
      textarea {
        width: 100%;
        min-height: 4rem;
      }
      label {
        display: grid;
        gap: 0.25rem;
      }
      label > input,
      label > textarea,
      .inline {
        font-weight: normal;
      }
      .inline {
        display: block;
      }
    `,
  ];

  @property({ attribute: false }) persona: Persona | undefined;
  /** Categories already in use, offered as suggestions. */
  @property({ attribute: false }) categories: readonly string[] = [];
  @state() private outcome = '';
  readonly #changes = new ChangeRunner(this);

  override render() {
    return html`<form @submit=${this.#add} aria-labelledby="add-title">
      <h3 id="add-title">Add a memory</h3>
      <label>What Persona should remember<textarea name="text" required maxlength="4000" placeholder="e.g. I am allergic to peanuts"></textarea></label>
      <label>Category (optional)<input name="category" maxlength="100" autocomplete="off" list="memory-categories" placeholder="e.g. fact, preference, goal" /></label>
      <datalist id="memory-categories">${this.categories.map((category) => html`<option value=${category}></option>`)}</datalist>
      <label class="inline"><input type="checkbox" name="pinned" /> Pin it: always included in answers</label>
      <div class="row"><button type="submit" class="primary" ?disabled=${this.#changes.busy}>Add memory</button></div>
      <p role="status">${this.outcome}</p>
      <div class="alert" role="alert">${this.#changes.problem}</div>
    </form>`;
  }

  async #add(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const persona = this.persona;
    if (!persona) return;
    const form = event.currentTarget as HTMLFormElement;
    const text = form.elements.namedItem('text') as HTMLTextAreaElement;
    const input: MemoryInput = { text: text.value, pinned: (form.elements.namedItem('pinned') as HTMLInputElement).checked };
    const category = (form.elements.namedItem('category') as HTMLInputElement).value.trim();
    if (category) input.category = category;
    this.outcome = '';
    if (!(await this.#changes.run(() => persona.memories.add(input)))) return;
    this.outcome = 'Memory added.';
    form.reset();
    text.focus();
  }
}
