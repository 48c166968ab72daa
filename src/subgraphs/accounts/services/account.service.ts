import type { Principal, ConsentGrant } from '../../../shared/auth/principal.ts';
import { forbidden } from '../../../shared/errors/index.ts';
import type { AccountsDb } from '../db/client.ts';
import { Account, AccountIdentification, Balance } from '../schema/account.type.ts';

type AccountRow = NonNullable<Awaited<ReturnType<AccountsDb['account']['findUnique']>>>;

/**
 * Which accounts a caller may see. A consent-bound token sees only the accounts its PSU
 * chose for that consent; a PSU (choosing accounts for a consent) sees all of their own.
 */
export class AccountService {
  constructor(private readonly db: AccountsDb) {}

  async visible(principal: Principal, grant: ConsentGrant | undefined): Promise<Account[]> {
    const rows = await this.db.account.findMany({
      where: this.scope(principal, grant),
      orderBy: { id: 'asc' },
    });
    return rows.map(toAccount);
  }

  async byIds(
    principal: Principal,
    grant: ConsentGrant | undefined,
    ids: readonly string[],
  ): Promise<(Account | null)[]> {
    const rows = await this.db.account.findMany({
      where: { AND: [this.scope(principal, grant), { id: { in: [...ids] } }] },
    });
    const byId = new Map(rows.map((r) => [r.id, toAccount(r)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async balances(accountIds: readonly string[]): Promise<Balance[][]> {
    const rows = await this.db.balance.findMany({
      where: { accountId: { in: [...accountIds] } },
      orderBy: { id: 'asc' },
    });
    return accountIds.map((id) =>
      rows
        .filter((r) => r.accountId === id)
        .map((r) =>
          Object.assign(new Balance(), {
            type: r.type,
            amount: r.amount,
            currency: r.currency,
            creditDebit: r.creditDebit,
            dateTime: r.dateTime,
          }),
        ),
    );
  }

  private scope(principal: Principal, grant: ConsentGrant | undefined) {
    if (principal.kind === 'consent' && grant)
      return { psuId: grant.psuId, id: { in: grant.accountIds } };
    if (principal.kind === 'psu') return { psuId: principal.subject };
    throw forbidden('Account data needs a consent-bound token');
  }
}

function toAccount(r: AccountRow): Account {
  return Object.assign(new Account(), {
    id: r.id,
    bankId: r.bankId,
    accountType: r.accountType,
    accountSubType: r.accountSubType,
    currency: r.currency,
    nickname: r.nickname,
    identificationRecord:
      r.identificationScheme && r.identification
        ? Object.assign(new AccountIdentification(), {
            scheme: r.identificationScheme,
            identification: r.identification,
            name: r.holderName,
          })
        : null,
  });
}
