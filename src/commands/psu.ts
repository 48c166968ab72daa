import { randomUUID } from 'node:crypto';
import { AuditStore, eraseAuditRecords, migrateAuditDb } from '../shared/audit/index.ts';
import { systemClock, type Clock } from '../shared/clock.ts';
import type { Config } from '../shared/config/index.ts';
import { isAppError } from '../shared/errors/index.ts';
import { rulesFor } from '../shared/jurisdiction/index.ts';
import { createSignalPublisher, type SignalPublisher } from '../shared/signals/index.ts';
import { migrateAccountsDb, openAccountsDb } from '../subgraphs/accounts/db/client.ts';
import { eraseAccountsOf } from '../subgraphs/accounts/services/psu-erasure.ts';
import { migrateConsentDb, openConsentDb } from '../subgraphs/consent/db/client.ts';
import { ConsentService } from '../subgraphs/consent/services/consent.service.ts';
import { PsuErasureService } from '../subgraphs/consent/services/psu-erasure.ts';
import { migratePaymentsDb, openPaymentsDb } from '../subgraphs/payments/db/client.ts';
import { operatorArgs } from './operator-args.ts';
import { erasePaymentsOf } from '../subgraphs/payments/services/psu-erasure.ts';

const usage = `usage:
  psu erase <psuId> [--by <name>]   erase the PSU's personal data in every store (GDPR art. 17)
                                    where no retention duty applies; the audit chain keeps
                                    ids, digests and hashes and still verifies (--by: who
                                    asked, recorded; default "operator")`;

export interface StoreUrls {
  consent: string;
  accounts: string;
  payments: string;
  audit: string;
}

/**
 * A PSU's erasure across the four stores. Each store's own module does its part; this
 * composition root (like src/system.ts, it may know every service) runs them in order:
 * consent first (revokes their consents and tells us their jurisdiction, whose retention
 * the payments store keeps to), then accounts and payments, and the audit log last, whose
 * erasure record lists what every store did. Running it again is safe and finishes an
 * erasure cut short.
 */
export async function erasePsu(
  urls: StoreUrls,
  psuId: string,
  by: string,
  clock: Clock = systemClock,
  /** Gateways sharing a Redis drop their cached grants of the revoked consents at once. */
  signals?: Pick<SignalPublisher, 'consentChanged'>,
) {
  const consentDb = openConsentDb(urls.consent);
  const accountsDb = openAccountsDb(urls.accounts);
  const paymentsDb = openPaymentsDb(urls.payments);
  const audit = AuditStore.open(urls.audit);
  try {
    const consent = await new PsuErasureService(
      consentDb,
      new ConsentService(consentDb, clock, signals?.consentChanged),
      clock,
    ).erase(psuId);
    const accounts = await eraseAccountsOf(accountsDb, psuId);
    const payments = await erasePaymentsOf(paymentsDb, psuId, {
      now: clock.now(),
      retentionDays: rulesFor(consent.jurisdiction).paymentRecordRetentionDays,
    });
    const auditErasure = await eraseAuditRecords(audit, {
      psuId,
      at: clock.now(),
      by,
      requestId: `erasure-${randomUUID()}`,
      details: {
        jurisdiction: consent.jurisdiction,
        consentsRevoked: consent.consentsRevoked,
        connections: accounts.connections,
        accounts: accounts.accounts,
        transactions: accounts.transactions,
        paymentsKept: payments.paymentsKept,
        paymentsErased: payments.paymentsErased,
      },
    });
    return { psuId, consent, accounts, payments, audit: auditErasure };
  } finally {
    await audit.close();
    await Promise.all([
      consentDb.$disconnect(),
      accountsDb.$disconnect(),
      paymentsDb.$disconnect(),
    ]);
  }
}

/** `psu erase <psuId>`: prints what each store erased and kept, as JSON. */
export async function psu(config: Config, args: string[]): Promise<number> {
  const given = operatorArgs(args, 'erase', usage);
  if (!given) return 2;
  const psuId = given.id;
  const urls = { ...config.databases, audit: config.audit.databaseUrl };
  await migrateConsentDb(urls.consent);
  await migrateAccountsDb(urls.accounts);
  await migratePaymentsDb(urls.payments);
  await migrateAuditDb(urls.audit);
  const signals = config.redis.url
    ? createSignalPublisher(config.redis.url, { prefix: config.redis.keyPrefix })
    : undefined;
  try {
    const result = await erasePsu(urls, psuId, given.by, systemClock, signals);
    console.log(
      JSON.stringify(result, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2),
    );
    return 0;
  } catch (e) {
    if (isAppError(e) && e.code === 'NOT_FOUND') {
      console.error(e.message);
      return 1;
    }
    throw e;
  } finally {
    await signals?.close();
  }
}
