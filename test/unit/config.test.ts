import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/shared/config/index.ts';

describe('configuration', () => {
  it('runs on embedded defaults with no environment at all', () => {
    const c = loadConfig({});
    expect(c.port).toBe(4000);
    expect(c.databases.consent).toMatch(/^file:.*\.data\/consent\.db$/);
    expect(c.tokens).toMatchObject({
      alg: 'ES256',
      ttlSeconds: 300,
      audience: 'ledgergraph',
      issuer: 'http://localhost:4000',
    });
  });
  it('selects PostgreSQL by the database URL', () => {
    expect(loadConfig({ CONSENT_DATABASE_URL: 'postgresql://u@h/db' }).databases.consent).toBe(
      'postgresql://u@h/db',
    );
  });
  it('lists every problem at once', () => {
    try {
      loadConfig({
        PORT: 'abc',
        CONSENT_DATABASE_URL: 'mysql://x',
        TRUSTED_ISSUERS: 'nope',
        INTERNAL_CONTEXT_SECRET: 'short',
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems.join('\n');
      for (const name of [
        'PORT',
        'CONSENT_DATABASE_URL',
        'TRUSTED_ISSUERS',
        'INTERNAL_CONTEXT_SECRET',
      ]) {
        expect(problems).toContain(name);
      }
    }
  });
});
