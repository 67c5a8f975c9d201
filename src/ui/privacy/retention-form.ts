// The retention policy as the form edits it: a number of events and a size in megabytes, either left empty for no
// limit. Both empty means no policy at all (nothing is ever deleted for space).
import type { RetentionPolicy } from '../../index';

const MB = 1_000_000;

export interface RetentionFields {
  maxEvents: string;
  maxMegabytes: string;
}

export function fieldsOf(policy: RetentionPolicy | undefined): RetentionFields {
  return {
    maxEvents: policy?.maxEvents === undefined ? '' : String(policy.maxEvents),
    maxMegabytes: policy?.maxBytes === undefined ? '' : String(policy.maxBytes / MB),
  };
}

/** The policy the fields describe (undefined: no limits), or a sentence saying which field is wrong and how. */
export function policyOf(fields: RetentionFields): RetentionPolicy | undefined | string {
  const events = fields.maxEvents.trim();
  const megabytes = fields.maxMegabytes.trim();
  const policy: RetentionPolicy = {};
  if (events !== '') {
    const value = Number(events);
    if (!Number.isInteger(value) || value < 1) return 'Keep at most: enter a whole number of events (1 or more), or leave it empty for no limit.';
    policy.maxEvents = value;
  }
  if (megabytes !== '') {
    const value = Number(megabytes);
    if (!Number.isFinite(value) || value < 0.01) return 'Size limit: enter megabytes (0.01 or more), or leave it empty for no limit.';
    policy.maxBytes = Math.round(value * MB);
  }
  return policy.maxEvents === undefined && policy.maxBytes === undefined ? undefined : policy;
}
