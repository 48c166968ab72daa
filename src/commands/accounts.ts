import { systemClock } from '../shared/clock.ts';
import type { Config } from '../shared/config/index.ts';
import { operatorArgs } from './operator-args.ts';
import { migrateAccountsDb, openAccountsDb } from '../subgraphs/accounts/db/client.ts';
import {
  ReconciliationService,
  type ReconcileFigures,
} from '../subgraphs/accounts/services/reconciliation.ts';

const usage = `usage:
  reconcile                               every account's booked balance against its booked
                                          transactions, as of the last sync (changes nothing);
                                          exit 1 when any does not reconcile
  accounts release <accountId> [--by <name>]   (--by: who, recorded; default "operator")
                                          lift an account's quarantine: its data is accepted
                                          as it is now, the discrepancy marked released`;

async function withService<T>(config: Config, run: (s: ReconciliationService) => Promise<T>) {
  await migrateAccountsDb(config.databases.accounts);
  const db = openAccountsDb(config.databases.accounts);
  try {
    return await run(new ReconciliationService(db, systemClock));
  } finally {
    await db.$disconnect();
  }
}

/** `reconcile`: a report with figures, one line per account. */
export async function reconcile(config: Config, args: string[]): Promise<number> {
  if (args.length > 0) {
    console.error(usage);
    return 2;
  }
  const figures = await withService(config, (s) => s.report());
  console.log(formatReport(figures));
  return figures.some((f) => f.status === 'discrepancy') ? 1 : 0;
}

/** `accounts release <accountId>`. */
export async function accounts(config: Config, args: string[]): Promise<number> {
  const given = operatorArgs(args, 'release', usage);
  if (!given) return 2;
  const { id: accountId, by } = given;
  const released = await withService(config, (s) => s.release(accountId, by));
  if (!released) {
    console.error(`no account ${accountId}`);
    return 1;
  }
  console.log(
    `released ${accountId} (by ${by}); offset kept from now: ${released.actualOffset ?? '-'}`,
  );
  return 0;
}

export function formatReport(figures: readonly ReconcileFigures[]): string {
  const header = [
    'account',
    'status',
    'booked balance',
    'balance at',
    'Σ booked txns',
    'expected offset',
    'offset',
    'difference',
    'running gaps',
    'quarantined',
  ];
  const rows = figures.map((f) => [
    f.accountId,
    f.status,
    f.bookedBalance ?? '-',
    f.balanceDateTime?.toISOString() ?? '-',
    f.transactionsSum ?? '-',
    f.expectedOffset ?? '-',
    f.actualOffset ?? '-',
    f.difference ?? '-',
    String(f.runningBalanceGaps),
    f.quarantined ? 'yes' : 'no',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const count = (s: string) => figures.filter((f) => f.status === s).length;
  return [
    line(header),
    ...rows.map(line),
    '',
    `${figures.length} accounts: ${count('clean') + count('baseline')} reconcile, ${count('discrepancy')} do not, ${count('released')} released as they are, ${count('unchecked')} not synced yet; ${figures.filter((f) => f.quarantined).length} quarantined`,
  ].join('\n');
}
