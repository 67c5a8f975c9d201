// The Memories view: the facts Persona keeps about the user, each with where it came from and how it changed, to
// search, filter, correct, pin, delete or add to. '#memories/<id>' brings that memory into view and focus.
import { css, html, type PropertyValues } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { HistoryEvent } from '../../core/history-event';
import type { Memory } from '../../core/memory';
import type { Persona } from '../../persona';
import { plural } from '../format';
import { PersonaView } from '../persona-view';
import { baseStyles } from '../theme';
import { filterMemories, memoryCategories, NO_FILTER, type MemoryFilter } from '../memories/memory-filter';
import '../memories/persona-memory-form';
import '../memories/persona-memory-item';
import { MEMORY_DELETED } from '../memories/persona-memory-item';

declare global {
  interface HTMLElementTagNameMap {
    'persona-memories-view': PersonaMemoriesView;
  }
}

@customElement('persona-memories-view')
export class PersonaMemoriesView extends PersonaView {
  static override styles = [
    baseStyles,
    css`
      .filters {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr));
        gap: 0.5rem;
        margin-bottom: 0.75rem;
      }
      .filters label {
        display: grid;
        gap: 0.25rem;
      }
      .filters input,
      .filters select {
        font-weight: normal;
      }
      ul.memories {
        list-style: none;
        padding: 0;
        margin: 0 0 1.5rem;
        display: grid;
        gap: 0.75rem;
      }
    `,
  ];
  protected readonly watches = ['memories', 'events'] as const;

  @state() private memories: Memory[] | undefined;
  @state() private sources: ReadonlyMap<string, HistoryEvent | undefined> = new Map();
  @state() private filter: MemoryFilter = NO_FILTER;
  /** The target last brought into view, so a reload does not steal focus again. */
  #shownTarget = '';

  constructor() {
    super();
    this.addEventListener(MEMORY_DELETED, () => void this.#focusSearchAfterDeletion());
  }

  protected async load(persona: Persona, isCurrent: () => boolean): Promise<void> {
    const memories = await persona.memories.list();
    const ids = [...new Set(memories.flatMap((memory) => memory.sourceEventIds))];
    const events = ids.length > 0 ? await persona.events.get(ids) : [];
    if (!isCurrent()) return;
    this.memories = memories;
    this.sources = new Map(ids.map((id, i) => [id, events[i]]));
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (this.target !== this.#shownTarget) void this.#showTarget();
  }

  override render() {
    const memories = this.memories;
    return html`
      <h2>Memories</h2>
      <p class="muted">Facts Persona keeps about you and uses in answers, each with the events it came from. Pinned ones are always used.</p>
      <div class="alert" role="alert">${this.problem}</div>
      ${memories === undefined ? html`<p role="status">Reading your memories…</p>` : this.#renderList(memories)}
      <persona-memory-form .persona=${this.persona} .categories=${memories ? memoryCategories(memories) : []}></persona-memory-form>
    `;
  }

  #renderList(memories: Memory[]) {
    const shown = filterMemories(memories, this.filter);
    const categories = memoryCategories(memories);
    return html`
      <div class="filters" role="search" aria-label="Find memories">
        <label>Search memories<input type="search" name="search" .value=${this.filter.text} @input=${(event: InputEvent) => { this.#setFilter({ text: (event.target as HTMLInputElement).value }); }} /></label>
        <label
          >Category<select @change=${(event: Event) => { this.#setFilter({ category: (event.target as HTMLSelectElement).value }); }}>
            <option value="" ?selected=${this.filter.category === ''}>All categories</option>
            ${categories.map((category) => html`<option value=${category} ?selected=${this.filter.category === category}>${category}</option>`)}
          </select></label
        >
        <label
          >Pinned<select @change=${(event: Event) => { this.#setFilter({ pinned: (event.target as HTMLSelectElement).value as MemoryFilter['pinned'] }); }}>
            <option value="all" ?selected=${this.filter.pinned === 'all'}>Pinned and not</option>
            <option value="pinned" ?selected=${this.filter.pinned === 'pinned'}>Pinned only</option>
            <option value="unpinned" ?selected=${this.filter.pinned === 'unpinned'}>Not pinned</option>
          </select></label
        >
      </div>
      ${this.target !== '' && !memories.some((memory) => memory.id === this.target)
        ? html`<p class="muted">The memory this link names is not here any more: it was deleted.</p>`
        : ''}
      <p role="status">${memories.length === shown.length ? plural(memories.length, 'memory', 'memories') : `${shown.length} of ${plural(memories.length, 'memory', 'memories')} shown`}</p>
      ${memories.length === 0
        ? html`<p class="muted">No memories yet. Persona proposes them from your chats once a model is loaded, or add one below.</p>`
        : html`<ul class="memories" aria-label="Memories">
            ${shown.map(
              (memory) => html`<li>
                <persona-memory-item
                  data-id=${memory.id}
                  .persona=${this.persona}
                  .memory=${memory}
                  .sources=${this.sources}
                  ?highlighted=${memory.id === this.target}
                ></persona-memory-item>
              </li>`,
            )}
          </ul>`}
    `;
  }

  #setFilter(change: Partial<MemoryFilter>): void {
    this.filter = { ...this.filter, ...change };
  }

  /** Scrolls the memory the URL names into view and focuses it, once it is listed. */
  async #showTarget(): Promise<void> {
    const target = this.target;
    if (target === '' || this.memories === undefined) {
      if (target === '') this.#shownTarget = '';
      return;
    }
    if (!this.memories.some((memory) => memory.id === target)) return;
    // A filter could hide it: the link asked for this memory, so show everything.
    if (!filterMemories(this.memories, this.filter).some((memory) => memory.id === target)) this.filter = NO_FILTER;
    this.#shownTarget = target;
    await this.updateComplete;
    const item = [...this.renderRoot.querySelectorAll('persona-memory-item')].find((element) => element.dataset['id'] === target);
    if (!item) return;
    await item.updateComplete;
    const article = item.renderRoot.querySelector('article');
    article?.scrollIntoView({ block: 'center' });
    article?.focus({ preventScroll: true });
  }

  async #focusSearchAfterDeletion(): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('input[type="search"]')?.focus();
  }
}
