import { describe, expect, it } from 'vitest';
import { columnList } from '../../src/shared/db/index.ts';

describe('columnList', () => {
  it('quotes each name so camelCase survives PostgreSQL, in the order given', () => {
    expect(columnList(['id', 'accountId', 'bookedAt'])).toBe('"id", "accountId", "bookedAt"');
  });

  it('qualifies every name with the alias when one is given', () => {
    expect(columnList(['id', 'psuId'], 'c')).toBe('c."id", c."psuId"');
  });

  it('takes any iterable, a Set included, once per name', () => {
    expect(columnList(new Set(['id', 'id', 'status']))).toBe('"id", "status"');
  });
});
