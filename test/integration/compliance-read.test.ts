import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditStore, migrateAuditDb } from '../../src/shared/audit/index.ts';
import type { Principal } from '../../src/shared/auth/principal.ts';
import { AppError } from '../../src/shared/errors/index.ts';
import {
  migrateConsentDb,
  openConsentDb,
  type ConsentDb,
} from '../../src/subgraphs/consent/db/client.ts';
import { AuditReadService } from '../../src/subgraphs/consent/services/audit.service.ts';
import { ConsentUsage } from '../../src/subgraphs/consent/services/consent-usage.ts';
import { makeBatch } from '../audit/support/batches.ts';

const officer = (scopes: string[]): Principal => ({
  kind: 'client',
  subject: 'staff_olivia',
  clientId: 'compliance-console',
  scopes,
  tokenId: 't',
  issuer: 'i',
  expiresAt: 0,
});

async function code(work: () => unknown): Promise<string> {
  try {
    await work();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return (e as AppError).code;
  }
  return 'no error';
}

describe('the compliance read side the console shares with the API', () => {
  let dir: string;
  let db: ConsentDb;
  let audit: AuditStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledgergraph-compliance-'));
    const consentUrl = `file:${join(dir, 'consent.db')}`;
    const auditUrl = `file:${join(dir, 'audit.db')}`;
    await migrateConsentDb(consentUrl);
    await migrateAuditDb(auditUrl);
    db = openConsentDb(consentUrl);
    audit = AuditStore.open(auditUrl);
    await audit.append(makeBatch({ at: new Date('2026-01-01T10:00:00Z'), consentId: 'cns_a' }));
    await audit.append(makeBatch({ at: new Date('2026-01-02T10:00:00Z'), consentId: 'cns_a' }));
    await audit.append(makeBatch({ at: new Date('2026-01-03T10:00:00Z'), consentId: 'cns_b' }));
  });
  afterAll(async () => {
    await audit.close();
    await db.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('search, export, review and history all refuse a caller without audit:read', async () => {
    const service = new AuditReadService(audit, db);
    const psu = officer(['consents:authorise']);
    expect(await code(() => service.search(psu, {}, { first: 1 }))).toBe('FORBIDDEN');
    expect(await code(() => service.export(psu, {}))).toBe('FORBIDDEN');
    expect(await code(() => service.consent(psu, 'cns_a'))).toBe('FORBIDDEN');
    expect(await code(() => service.history(psu, 'cns_a'))).toBe('FORBIDDEN');
  });

  it('export answers every match of the filter, oldest first, past one page', async () => {
    const service = new AuditReadService(audit, db);
    const seen: string[] = [];
    for await (const r of service.export(officer(['audit:read']), { consentId: 'cns_a' })) {
      seen.push(r.at.toISOString());
    }
    expect(seen.length).toBeGreaterThan(1);
    expect(new Set(seen)).toEqual(
      new Set(['2026-01-01T10:00:00.000Z', '2026-01-02T10:00:00.000Z']),
    );
    expect([...seen].sort()).toEqual(seen);
    expect(
      await code(() =>
        service.export(officer(['audit:read']), {
          from: new Date('2026-02-01'),
          to: new Date('2026-01-01'),
        }),
      ),
    ).toBe('BAD_USER_INPUT');
  });

  it('last use of a consent is its newest audit record; never used is null; no store, unknown', async () => {
    const usage = new ConsentUsage(audit);
    expect(await usage.lastUsedAt('cns_a')).toEqual(new Date('2026-01-02T10:00:00Z'));
    expect(await usage.lastUsedAt('cns_never')).toBeNull();
    expect(await new ConsentUsage(undefined).lastUsedAt('cns_a')).toBeUndefined();
  });
});
