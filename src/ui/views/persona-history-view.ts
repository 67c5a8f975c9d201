// The History view: everything Persona recorded on this device, newest first, in a timeline that pages in as the
// person scrolls (100,000 events stay smooth); notes written here; search by words and meaning; filters; and
// deletions that say what else went with the events. '#history/<id>' (provenance links from answers and memories)
// shows that event above the timeline.
import { css, html, nothing, type PropertyValues } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import type { HistoryEvent } from '../../core/history-event';
import type { RetrievedItem } from '../../engine/history-retrieval';
import type { Persona } from '../../persona';
import type { CascadeResult } from '../../store/cascade';
import type { ChangeMessage } from '../../store/change-feed';
import { formatDate, plural } from '../format';
import { describeCascade } from '../history/cascade-words';
import type { PersonaConfirmDialog } from '../history/confirm-dialog';
import { eventName, eventRowStyles, renderEventRow } from '../history/event-row';
import { EventPager, type EventFilter } from '../history/event-pager';
import { describeIntelligence } from '../history/intelligence-words';
import type { PersonaNoteForm, NoteSubmitDetail } from '../history/note-form';
import type { RangeDeleteDetail } from '../history/range-delete';
import type { SearchDetail } from '../history/history-search';
import type { EventSelectDetail } from '../history/history-timeline';
import '../history/confirm-dialog';
import '../history/history-filters';
import '../history/history-search';
import '../history/history-timeline';
import '../history/note-form';
import '../history/range-delete';
import { CHANGE_EVENT, PersonaView } from '../persona-view';
import { baseStyles } from '../theme';

declare global {
  interface HTMLElementTagNameMap {
    'persona-history-view': PersonaHistoryView;
  }
}

/** The event '#history/<id>' names: still stored, gone, or not asked for. */
type Linked = { state: 'found'; event: HistoryEvent } | { state: 'gone'; id: string } | undefined;

@customElement('persona-history-view')
export class PersonaHistoryView extends PersonaView {
  static override styles = [
    baseStyles,
    eventRowStyles,
    css`
      section {
        margin-bottom: 1.5rem;
      }
      details {
        margin: 0.75rem 0;
      }
      summary {
        cursor: pointer;
        font-weight: 600;
      }
      .toolbar {
        justify-content: space-between;
        margin: 0.75rem 0 0.25rem;
      }
      #deletion-notice:empty {
        display: none;
      }
      #deletion-notice {
        padding: 0.5rem 0.75rem;
        border: 2px solid var(--persona-ok);
        border-radius: var(--persona-radius);
      }
    `,
  ];

  // The base class reloads on wipes and imports; this view follows the events store itself, row by row (below).
  protected readonly watches = [] as const;

  @state() private count: number | undefined;
  @state() private rows: readonly HistoryEvent[] = [];
  @state() private complete = false;
  @state() private loadingMore = false;
  @state() private filtered = false;
  @state() private selected: ReadonlySet<string> = new Set();
  @state() private linked: Linked;
  @state() private results: readonly RetrievedItem[] | undefined;
  @state() private searching = false;
  @state() private saving = false;
  @state() private busy = '';
  @state() private notice = '';
  @query('persona-note-form') private noteForm?: PersonaNoteForm;
  @query('persona-confirm-dialog') private confirm!: PersonaConfirmDialog;
  @query('#deletion-notice') private noticeElement?: HTMLElement;

  #pager: EventPager | undefined;
  #filter: EventFilter = {};
  /** A note whose save failed keeps its id, so saving it again can never record it twice. */
  #unsaved: { text: string; id: string } | undefined;
  #searchGeneration = 0;
  #feed: EventTarget | undefined;
  /** Change messages since the last time they were applied: applied together, once per task. */
  #pendingChanges: ChangeMessage[] = [];

  readonly #onChange = (event: Event) => {
    const message = (event as CustomEvent<ChangeMessage>).detail;
    if (!message.changes.some((change) => change.store === 'events')) return;
    if (this.#pendingChanges.push(message) === 1) setTimeout(() => { void this.#applyChanges(); }, 0);
  };

  override connectedCallback(): void {
    super.connectedCallback();
    this.#follow();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#feed?.removeEventListener(CHANGE_EVENT, this.#onChange);
    this.#feed = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('changes')) this.#follow();
    if (changed.has('target') && changed.get('target') !== undefined && this.persona) void this.#loadLinked(this.persona);
  }

  protected async load(persona: Persona, isCurrent: () => boolean): Promise<void> {
    this.#pager ??= this.#newPager(persona);
    const pager = this.#pager;
    const [usage] = await Promise.all([persona.storage.usage(), pager.refresh(), this.#loadLinked(persona)]);
    if (!isCurrent()) return;
    this.count = usage.events;
    this.#showRows(pager);
  }

  override render() {
    return html`
      <h2>History</h2>
      <p role="status" id="event-count">${this.count === undefined ? 'Counting your events…' : `${plural(this.count, 'event')} stored on this device`}</p>
      <div class="alert" role="alert">${this.problem}</div>
      <p id="deletion-notice" role="status" tabindex="-1">${this.notice}</p>
      ${this.#renderLinked()}
      <section aria-labelledby="write-heading">
        <h3 id="write-heading">Write a note</h3>
        <persona-note-form ?saving=${this.saving} @persona-note-submit=${this.#onNote}></persona-note-form>
      </section>
      <section aria-labelledby="find-heading">
        <h3 id="find-heading">Find in your history</h3>
        <p aria-live="polite" id="embedder-status" class="muted">${describeIntelligence(this.status?.intelligence)}</p>
        <persona-history-search .results=${this.results} ?searching=${this.searching} ?disabled=${(this.status?.intelligence.phase ?? 'loading') === 'loading'}
          @persona-search=${this.#onSearch}></persona-history-search>
      </section>
      <section aria-labelledby="timeline-heading">
        <h3 id="timeline-heading">Timeline</h3>
        <persona-history-filters @persona-filter-change=${this.#onFilter}></persona-history-filters>
        <details>
          <summary>Delete a period</summary>
          <persona-range-delete @persona-range-delete=${this.#onRangeDelete}></persona-range-delete>
        </details>
        <div class="row toolbar">
          <p id="loaded-count" class="muted">${this.#describeLoaded()}</p>
          <div class="row">
            <button type="button" class="danger" ?disabled=${this.selected.size === 0 || this.busy !== ''} @click=${this.#onDeleteSelected}>
              Delete selected (${this.selected.size.toLocaleString()})…
            </button>
            <button type="button" ?disabled=${this.selected.size === 0} @click=${() => { this.selected = new Set(); }}>Clear selection</button>
          </div>
        </div>
        ${this.busy === '' ? nothing : html`<p role="status">${this.busy}</p>`}
        <persona-history-timeline .rows=${this.rows} .selected=${this.selected} ?complete=${this.complete}
          @persona-need-more=${this.#onNeedMore} @persona-event-select=${this.#onSelect} @persona-event-delete=${this.#onDeleteOne}></persona-history-timeline>
        ${this.loadingMore ? html`<p role="status">Loading more events…</p>` : nothing}
      </section>
      <persona-confirm-dialog></persona-confirm-dialog>
    `;
  }

  #renderLinked() {
    const linked = this.linked;
    if (!linked) return nothing;
    return html`<section aria-labelledby="linked-heading" id="linked">
      <h3 id="linked-heading">Linked event</h3>
      ${linked.state === 'gone'
        ? html`<p>The linked event no longer exists: it was deleted from this device.</p>`
        : html`<div role="list" aria-label="Linked event">${renderEventRow(linked.event, { highlighted: true, onDelete: (event) => { void this.#deleteOne(event); } })}</div>`}
      <p><a href="#history">Close the linked event</a></p>
    </section>`;
  }

  #describeLoaded(): string {
    const shown = this.rows.length;
    if (this.complete && shown === 0) return this.filtered ? 'No events match these filters.' : 'No events yet. Notes you save appear here.';
    if (this.complete) return `All ${plural(shown, 'event')}${this.filtered ? ' that match' : ''} shown, newest first.`;
    return `${shown.toLocaleString()} loaded, newest first; more load as you scroll.`;
  }

  #newPager(persona: Persona): EventPager {
    return new EventPager((query) => persona.events.list(query), this.#filter);
  }

  #showRows(pager: EventPager): void {
    if (pager !== this.#pager) return;
    this.rows = pager.rows;
    this.complete = pager.complete;
  }

  #follow(): void {
    if (this.#feed === this.changes) return;
    this.#feed?.removeEventListener(CHANGE_EVENT, this.#onChange);
    this.#feed = this.isConnected ? this.changes : undefined;
    this.#feed?.addEventListener(CHANGE_EVENT, this.#onChange);
  }

  /**
   * Applies writes to the loaded rows without reading the whole window again: deleted rows leave, rows whose
   * embedding finished are replaced, and only new events inside the window (or a write too big to list) read it again.
   */
  async #applyChanges(): Promise<void> {
    const messages = this.#pendingChanges;
    this.#pendingChanges = [];
    const persona = this.persona;
    const pager = this.#pager;
    if (!persona || !pager) return;
    const changes = messages.flatMap((message) => message.changes.filter((change) => change.store === 'events'));
    if (changes.some((change) => change.ids === undefined)) {
      this.reload();
      return;
    }
    const deleted = new Set(changes.flatMap((change) => (change.op === 'delete' ? (change.ids ?? []) : [])));
    const written = [...new Set(changes.flatMap((change) => (change.op === 'delete' ? [] : (change.ids ?? []))))].filter((id) => !deleted.has(id));
    if (deleted.size > 0) this.#forget(deleted, pager);
    try {
      const [usage, events] = await Promise.all([persona.storage.usage(), written.length === 0 ? ([] as (HistoryEvent | undefined)[]) : persona.events.get(written)]);
      this.count = usage.events;
      const stored = events.filter((event): event is HistoryEvent => event !== undefined);
      const linked = this.linked;
      if (linked?.state === 'found') {
        const newer = stored.find((event) => event.id === linked.event.id);
        if (newer) this.linked = { state: 'found', event: newer };
      }
      if (pager.misses(stored)) {
        await pager.refresh();
      } else {
        pager.replace(stored);
      }
      this.#showRows(pager);
    } catch (error) {
      this.report(error);
    }
  }

  #forget(deleted: ReadonlySet<string>, pager: EventPager): void {
    if (pager.remove(deleted)) this.#showRows(pager);
    if ([...this.selected].some((id) => deleted.has(id))) this.selected = new Set([...this.selected].filter((id) => !deleted.has(id)));
    if (this.results?.some((hit) => deleted.has(hit.id))) this.results = this.results.filter((hit) => !deleted.has(hit.id));
    if (this.linked?.state === 'found' && deleted.has(this.linked.event.id)) this.linked = { state: 'gone', id: this.linked.event.id };
  }

  async #loadLinked(persona: Persona): Promise<void> {
    const id = this.target;
    if (id === '') {
      this.linked = undefined;
      return;
    }
    const [event] = await persona.events.get([id]);
    if (id !== this.target) return;
    this.linked = event ? { state: 'found', event } : { state: 'gone', id };
  }

  async #onNeedMore(): Promise<void> {
    const pager = this.#pager;
    if (!pager || pager.complete || this.loadingMore) return;
    this.loadingMore = true;
    await this.act(() => pager.more());
    this.loadingMore = false;
    this.#showRows(pager);
  }

  #onFilter(event: CustomEvent<EventFilter>): void {
    const persona = this.persona;
    if (!persona) return;
    const { from, to } = event.detail;
    if (from !== undefined && to !== undefined && from > to) {
      this.problem = 'The “From” day is after the “To” day: pick a From day on or before the To day.';
      return;
    }
    this.problem = '';
    this.#filter = event.detail;
    this.filtered = Object.keys(event.detail).length > 0;
    this.selected = new Set();
    this.#pager = this.#newPager(persona);
    this.rows = [];
    this.complete = false;
    this.reload();
  }

  #onSelect(event: CustomEvent<EventSelectDetail>): void {
    const { event: target, selected } = event.detail;
    const next = new Set(this.selected);
    if (selected) next.add(target.id);
    else next.delete(target.id);
    this.selected = next;
  }

  async #onNote(event: CustomEvent<NoteSubmitDetail>): Promise<void> {
    const persona = this.persona;
    if (!persona || this.saving) return;
    const text = event.detail.text;
    if (text.trim() === '') {
      this.problem = 'Write something before saving: the note is empty.';
      return;
    }
    const id = this.#unsaved?.text === text ? this.#unsaved.id : crypto.randomUUID();
    this.#unsaved = { text, id };
    this.saving = true;
    let recorded = 0;
    const saved = await this.act(async () => {
      recorded = (await persona.record({ id, kind: 'note', text })).length;
    });
    this.saving = false;
    if (!saved) return;
    if (recorded === 0) {
      this.problem = 'Learning is paused, so nothing is recorded and this note was not saved. Resume learning under Data & privacy, then save it again.';
      return;
    }
    this.#unsaved = undefined;
    this.noteForm?.clear();
  }

  async #onSearch(event: CustomEvent<SearchDetail>): Promise<void> {
    const persona = this.persona;
    if (!persona) return;
    const generation = ++this.#searchGeneration;
    this.searching = true;
    await this.act(async () => {
      const result = await persona.retrieve(event.detail.text);
      if (generation === this.#searchGeneration) this.results = result.hits;
    });
    if (generation === this.#searchGeneration) this.searching = false;
  }

  #onDeleteOne(event: CustomEvent<HistoryEvent>): void {
    void this.#deleteOne(event.detail);
  }

  async #deleteOne(target: HistoryEvent): Promise<void> {
    const confirmed = await this.confirm.ask({
      title: 'Delete this event?',
      message: `The ${eventName(target)} will be deleted from this device, with anything Persona learnt only from it. This cannot be undone.`,
      confirmLabel: 'Delete 1 event',
    });
    if (confirmed) await this.#delete('Deleting 1 event…', (persona) => persona.events.delete(target.id));
  }

  async #onDeleteSelected(): Promise<void> {
    const ids = [...this.selected];
    const what = plural(ids.length, 'event');
    const confirmed = await this.confirm.ask({
      title: `Delete ${what}?`,
      message: `The ${what} you selected will be deleted from this device, with anything Persona learnt only from them. This cannot be undone.`,
      confirmLabel: `Delete ${what}`,
    });
    if (confirmed) await this.#delete(`Deleting ${what}…`, (persona) => persona.events.delete(ids));
  }

  async #onRangeDelete(event: CustomEvent<RangeDeleteDetail>): Promise<void> {
    const { range, fromDay, toDay } = event.detail;
    const days = `${range.from === undefined ? fromDay : formatDate(range.from)} to ${range.to === undefined ? toDay : formatDate(range.to)}`;
    const confirmed = await this.confirm.ask({
      title: 'Delete these days?',
      message: `Every event from ${days} (of every kind and source) will be deleted from this device, with anything Persona learnt only from them. This cannot be undone.`,
      confirmLabel: 'Delete these days',
    });
    if (confirmed) await this.#delete(`Deleting the events from ${days}…`, (persona) => persona.events.deleteRange(range));
  }

  async #delete(progress: string, remove: (persona: Persona) => Promise<CascadeResult>): Promise<void> {
    const persona = this.persona;
    if (!persona) return;
    this.busy = progress;
    this.notice = '';
    await this.act(async () => {
      this.notice = describeCascade(await remove(persona));
    });
    this.busy = '';
    // The row (and the button that had the focus) is gone: the person hears and sees what the deletion did.
    await this.updateComplete;
    if (this.notice !== '') this.noticeElement?.focus();
  }
}
