import { describe, expect, it } from 'vitest';
import { inputChecker } from '../../src/gateway/engine/input.ts';
import { loadConfig } from '../../src/shared/config/index.ts';

const limits = { ...loadConfig({ DATA_DIR: '/tmp/unused' }).gateway.limits, maxTokens: 20 };

const limitOf = (check: () => void) => {
  try {
    check();
  } catch (e) {
    return (e as { details?: { limit?: unknown } }).details?.limit;
  }
  return undefined;
};

/** The checks on the operation as sent, with what the document text decides remembered. */
describe('input checker', () => {
  it('refuses too many tokens before parsing, every time the document comes', () => {
    const check = inputChecker(limits);
    const query = `{ ${'id '.repeat(30)} }`;
    expect(limitOf(() => check({ query }))).toBe('tokens');
    expect(limitOf(() => check({ query }))).toBe('tokens');
    expect(limitOf(() => check({ query: `{ ${'id '.repeat(18)} }` }))).toBeUndefined();
  });

  it('checks the variables of every request, the document being known fine', () => {
    const check = inputChecker(limits);
    const query = 'query($v: ID) { banks { id } }';
    const deep = JSON.parse(
      '{"a":'.repeat(limits.maxInputDepth + 1) + '1' + '}'.repeat(limits.maxInputDepth + 1),
    );
    expect(limitOf(() => check({ query, variables: { v: 'x' } }))).toBeUndefined();
    expect(limitOf(() => check({ query, variables: { v: deep } }))).toBe('inputDepth');
  });
});
