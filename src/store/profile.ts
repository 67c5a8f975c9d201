// The user's profile: explicit preferences (they always win), the summary (a user's edit wins over regeneration),
// and traits computed from history.
import { assertJson, parseInput, preferenceKeySchema, preferenceValueSchema, summaryWriteSchema, SETTING_BOUNDS } from '../core/input-validation';
import type { JsonValue } from '../core/json';
import { emptyProfile, type Profile, type ProfileSummary } from '../core/profile';
import { describeChange } from './change-feed';
import type { StoreConnection } from './connection';

const USER = 'user';

export interface SummaryWrite {
  text: string;
  sourceEventIds?: string[];
  /** 'user' marks the summary as edited; a later 'model' write does not replace it unless `force` is set. */
  by: 'user' | 'model';
  force?: boolean;
}

export class ProfileStore {
  constructor(private readonly connection: StoreConnection) {}

  async get(): Promise<Profile> {
    const stored = await this.connection.read(['profile']).objectStore('profile').get(USER);
    return stored ?? emptyProfile(USER, 0);
  }

  async setPreference(key: string, value: string): Promise<Profile> {
    const validKey = parseInput(preferenceKeySchema, key, 'preference key');
    const validValue = parseInput(preferenceValueSchema, value, `preferences.${validKey}`);
    return this.#change((profile, now) => {
      profile.preferences = { ...profile.preferences, [validKey]: { value: validValue, updatedAt: now } };
      return true;
    });
  }

  async removePreference(key: string): Promise<Profile> {
    return this.#change((profile) => {
      if (!(key in profile.preferences)) return false;
      const { [key]: _removed, ...rest } = profile.preferences;
      profile.preferences = rest;
      return true;
    });
  }

  /** Writes the summary; returns false (and changes nothing) when a model write meets a user's edit. */
  async setSummary(write: SummaryWrite): Promise<boolean> {
    const valid = parseInput(summaryWriteSchema, write, 'summary');
    let applied = false;
    await this.#change((profile, now) => {
      if (valid.by === 'model' && profile.summary?.editedAt !== undefined && valid.force !== true) return false;
      const summary: ProfileSummary = {
        text: valid.text,
        generatedAt: valid.by === 'model' ? now : (profile.summary?.generatedAt ?? now),
        sourceEventIds: valid.sourceEventIds ?? profile.summary?.sourceEventIds ?? [],
      };
      if (valid.by === 'user') summary.editedAt = now;
      profile.summary = summary;
      applied = true;
      return true;
    });
    return applied;
  }

  async setTraits(traits: Record<string, JsonValue>): Promise<Profile> {
    assertJson(traits, SETTING_BOUNDS, 'traits');
    return this.#change((profile) => {
      profile.traits = structuredClone(traits);
      return true;
    });
  }

  async #change(mutate: (profile: Profile, now: number) => boolean): Promise<Profile> {
    const now = this.connection.clock();
    return this.connection.write(['profile'], async (tx, changes) => {
      const store = tx.objectStore('profile');
      const profile = structuredClone((await store.get(USER)) ?? emptyProfile(USER, now));
      if (!mutate(profile, now)) return profile;
      profile.updatedAt = now;
      await store.put(profile);
      changes.push(describeChange('profile', 'put', [USER]));
      return profile;
    });
  }
}
