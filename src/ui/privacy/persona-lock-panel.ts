// The opt-in lock (persona.lock): set a passphrase, lock the data on this device, unlock it, or turn the lock off.
// Passphrases go from the form straight to the engine and are never kept by the panel; the form is reset after
// each action so the fields do not hold them either.
import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { LockStatus } from '../../store/lock/lock-store';
import { PersonaView } from '../persona-view';
import { baseStyles } from '../theme';
import { panelStyles } from './privacy-styles';

declare global {
  interface HTMLElementTagNameMap {
    'persona-lock-panel': PersonaLockPanel;
  }
}

type LockAction = 'enable' | 'lock' | 'unlock' | 'disable';

@customElement('persona-lock-panel')
export class PersonaLockPanel extends PersonaView {
  static override styles = [baseStyles, panelStyles];

  // The lock record lives in meta; locking and unlocking are announced as lifecycle messages, which always reload.
  protected readonly watches = ['meta'] as const;
  @state() private lock: LockStatus | undefined;
  @state() private working = false;
  @state() private notice = '';

  protected async load(persona: NonNullable<PersonaView['persona']>, isCurrent: () => boolean): Promise<void> {
    const lock = await persona.lock.status();
    if (isCurrent()) this.lock = lock;
  }

  override render() {
    const lock = this.lock;
    return html`<h3 id="lock-heading">Lock your data</h3>
      <p class="muted">
        Locked, your history, memories, profile and search index are encrypted on this device with a key made from your passphrase, so someone with
        this browser cannot read them. Persona cannot recover a forgotten passphrase.
      </p>
      ${lock ? this.#form(lock) : nothing}
      ${this.working ? html`<progress aria-label="Working on the lock"></progress>` : nothing}
      <p role="status">${this.notice}</p>
      <div class="alert" role="alert">${this.problem}</div>`;
  }

  #form(lock: LockStatus) {
    if (!lock.enabled) {
      return html`<form @submit=${(event: SubmitEvent) => this.#submit(event, 'enable')} aria-labelledby="lock-heading">
        <div>
          <label for="lock-passphrase">New lock passphrase</label>
          <input id="lock-passphrase" name="passphrase" type="password" autocomplete="new-password" required minlength="8" aria-describedby="lock-passphrase-help" />
          <p id="lock-passphrase-help" class="muted">At least 8 characters.</p>
        </div>
        <div>
          <label for="lock-passphrase-again">Repeat the lock passphrase</label>
          <input id="lock-passphrase-again" name="again" type="password" autocomplete="new-password" required />
        </div>
        <div class="row"><button type="submit" class="primary" ?disabled=${this.working}>Set the lock passphrase</button></div>
      </form>`;
    }
    const needsPassphrase = lock.locked || !lock.keyHeld;
    return html`<p>${lock.locked ? 'Your data is locked.' : 'Your data is unlocked.'}</p>
      ${lock.locked ? nothing : html`<p>Its text stays encrypted on this device even now: only open tabs hold the key, and a browser closed while unlocked leaves nothing readable.</p>`}
      <form @submit=${(event: SubmitEvent) => this.#submit(event, event.submitter?.getAttribute('value') === 'disable' ? 'disable' : lock.locked ? 'unlock' : 'lock')} aria-labelledby="lock-heading">
        ${needsPassphrase
          ? html`<div>
              <label for="lock-passphrase">Lock passphrase</label>
              <input id="lock-passphrase" name="passphrase" type="password" autocomplete="current-password" required />
            </div>`
          : nothing}
        <div class="row">
          <button type="submit" class="primary" value=${lock.locked ? 'unlock' : 'lock'} ?disabled=${this.working}>${lock.locked ? 'Unlock' : 'Lock now'}</button>
          ${needsPassphrase ? html`<button type="submit" value="disable" ?disabled=${this.working}>Turn the lock off</button>` : nothing}
        </div>
      </form>
      <div>
        <label for="lock-auto">Lock by itself</label>
        <select id="lock-auto" aria-describedby="lock-auto-help" ?disabled=${this.working} @change=${(event: Event) => this.#setAutoLock(event)}>
          ${autoLockChoices(lock.autoLockMs).map(([ms, label]) => html`<option value=${ms ?? ''} ?selected=${lock.autoLockMs === ms}>${label}</option>`)}
        </select>
        <p id="lock-auto-help" class="muted">
          After this long without using Persona in any tab, a tab where you set or unlocked the passphrase locks your data.
        </p>
      </div>`;
  }

  async #setAutoLock(event: Event): Promise<void> {
    const persona = this.persona;
    if (!persona) return;
    const value = (event.currentTarget as HTMLSelectElement).value;
    await this.act(async () => {
      this.lock = await persona.lock.autoLock(value === '' ? null : Number(value));
      this.notice = value === '' ? 'Your data locks only when you lock it.' : `Your data locks after ${autoLockChoices(null).find(([ms]) => String(ms) === value)?.[1] ?? value} without use.`;
    });
  }

  async #submit(event: SubmitEvent, action: LockAction): Promise<void> {
    event.preventDefault();
    const persona = this.persona;
    if (!persona || this.working) return;
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const passphrase = data.get('passphrase');
    if (action === 'enable' && passphrase !== data.get('again')) {
      this.problem = 'The two passphrases differ: type the same passphrase in both fields.';
      return;
    }
    const given = typeof passphrase === 'string' && passphrase !== '' ? passphrase : undefined;
    this.working = true;
    this.notice = '';
    try {
      await this.act(async () => {
        // An empty passphrase reaches the engine, which refuses it with a named error the panel shows.
        if (action === 'lock') this.lock = await persona.lock.lock(given);
        else if (action === 'enable') this.lock = await persona.lock.enable(given ?? '');
        else if (action === 'unlock') this.lock = await persona.lock.unlock(given ?? '');
        else this.lock = await persona.lock.disable(given ?? '');
        form.reset();
        this.notice = NOTICES[action];
      });
    } finally {
      this.working = false;
    }
  }
}

/** The idle times offered: what people pick for a screen lock, and never. */
const AUTO_LOCK_CHOICES: readonly (readonly [number | null, string])[] = [
  [null, 'Never'],
  [5 * 60_000, '5 minutes'],
  [15 * 60_000, '15 minutes'],
  [60 * 60_000, '1 hour'],
  [4 * 60 * 60_000, '4 hours'],
];

/** The choices, with the current time added when it was set to another value through the API. */
function autoLockChoices(current: number | null): (readonly [number | null, string])[] {
  if (AUTO_LOCK_CHOICES.some(([ms]) => ms === current) || current === null) return [...AUTO_LOCK_CHOICES];
  const label = current < 60_000 ? `${Math.round(current / 1_000)} seconds` : `${Math.round(current / 60_000)} minutes`;
  return [...AUTO_LOCK_CHOICES, [current, label]];
}

const NOTICES: Record<LockAction, string> = {
  enable: 'Passphrase set. Lock your data whenever you leave this device.',
  lock: 'Locked: your data is encrypted on this device until you unlock it.',
  unlock: 'Unlocked: everything is back.',
  disable: 'The lock is off: your data is unlocked and no passphrase is kept.',
};
