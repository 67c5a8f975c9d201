// The retention editor's fields and the policy they stand for.
import { expect, test } from 'vitest';
import { fieldsOf, policyOf } from '../../../src/ui/privacy/retention-form';

test('a policy round-trips through the fields, megabytes in decimal units', () => {
  expect(fieldsOf({ maxEvents: 5000, maxBytes: 25_000_000 })).toEqual({ maxEvents: '5000', maxMegabytes: '25' });
  expect(policyOf({ maxEvents: ' 5000 ', maxMegabytes: '25' })).toEqual({ maxEvents: 5000, maxBytes: 25_000_000 });
  expect(policyOf({ maxEvents: '', maxMegabytes: '0.5' })).toEqual({ maxBytes: 500_000 });
});

test('empty fields mean no policy', () => {
  expect(fieldsOf(undefined)).toEqual({ maxEvents: '', maxMegabytes: '' });
  expect(policyOf({ maxEvents: ' ', maxMegabytes: '' })).toBeUndefined();
});

test('a value the store would refuse is named with what to enter', () => {
  expect(policyOf({ maxEvents: '2.5', maxMegabytes: '' })).toMatch(/^Keep at most: enter a whole number/);
  expect(policyOf({ maxEvents: '0', maxMegabytes: '' })).toMatch(/^Keep at most/);
  expect(policyOf({ maxEvents: '', maxMegabytes: 'lots' })).toMatch(/^Size limit: enter megabytes/);
  expect(policyOf({ maxEvents: '', maxMegabytes: '0.001' })).toMatch(/^Size limit/);
});
