// Persona's settings (retention policy, opted-out sources, chosen models…) as validated JSON values by key.
import { assertJson, parseInput, settingKeySchema, SETTING_BOUNDS } from '../core/input-validation';
import type { JsonValue } from '../core/json';
import { describeChange, type StoreChange } from './change-feed';
import type { StoreConnection, WriteTx } from './connection';

export class SettingsStore {
  constructor(private readonly connection: StoreConnection) {}

  async get<T extends JsonValue>(key: string): Promise<T | undefined> {
    const setting = await this.connection.read(['settings']).objectStore('settings').get(key);
    return setting?.value as T | undefined;
  }

  async set(key: string, value: JsonValue): Promise<void> {
    await this.connection.write(['settings'], (tx, changes) => this.setIn(tx, changes, key, value));
  }

  /** set() inside a caller's transaction, so a setting and what it changes commit together. Validates first. */
  async setIn(tx: WriteTx<'settings'>, changes: StoreChange[], key: string, value: JsonValue): Promise<void> {
    const validKey = parseInput(settingKeySchema, key, 'setting key');
    assertJson(value, SETTING_BOUNDS, `settings.${validKey}`);
    await tx.objectStore('settings').put({ key: validKey, value: structuredClone(value), updatedAt: this.connection.clock() });
    changes.push(describeChange('settings', 'put', [validKey]));
  }

  async delete(key: string): Promise<void> {
    await this.connection.write(['settings'], async (tx, changes) => {
      await tx.objectStore('settings').delete(key);
      changes.push(describeChange('settings', 'delete', [key]));
    }, undefined, { usesReserve: true });
  }

  async all(): Promise<Record<string, JsonValue>> {
    const settings = await this.connection.read(['settings']).objectStore('settings').getAll();
    return Object.fromEntries(settings.map((s) => [s.key, s.value]));
  }
}
