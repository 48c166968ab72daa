import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/shared/config/index.ts';

describe('audit configuration', () => {
  it('records by default, into SQLite in the data dir, keeping 400 days', () => {
    const c = loadConfig({ DATA_DIR: '/tmp/lg-config-test' });
    expect(c.audit).toEqual({
      databaseUrl: 'file:/tmp/lg-config-test/audit.db',
      enabled: true,
      retentionDays: 400,
      pruneIntervalMs: 86_400_000,
    });
  });

  it('prunes from the running system daily unless told otherwise', () => {
    expect(loadConfig({ AUDIT_PRUNE_INTERVAL_HOURS: '0' }).audit.pruneIntervalMs).toBe(0);
    expect(loadConfig({ AUDIT_PRUNE_INTERVAL_HOURS: '0.5' }).audit.pruneIntervalMs).toBe(1_800_000);
    expect(() => loadConfig({ AUDIT_PRUNE_INTERVAL_HOURS: '-1' })).toThrow(
      /AUDIT_PRUNE_INTERVAL_HOURS/,
    );
    expect(() => loadConfig({ AUDIT_PRUNE_INTERVAL_HOURS: 'daily' })).toThrow(ConfigError);
  });

  it('takes a PostgreSQL store and a switch for benchmarks', () => {
    const c = loadConfig({ AUDIT_DATABASE_URL: 'postgresql://u@h/audit', AUDIT_ENABLED: 'false' });
    expect(c.audit).toMatchObject({ databaseUrl: 'postgresql://u@h/audit', enabled: false });
  });

  it('refuses a retention shorter than 12 months (PCI DSS 10.5.1)', () => {
    expect(() => loadConfig({ AUDIT_RETENTION_DAYS: '90' })).toThrow(ConfigError);
    expect(() => loadConfig({ AUDIT_RETENTION_DAYS: '90' })).toThrow(/AUDIT_RETENTION_DAYS/);
  });
});
