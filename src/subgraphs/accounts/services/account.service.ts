import type { ConsentGrant, Principal } from '../../../shared/auth/principal.ts';
import { forbidden } from '../../../shared/errors/index.ts';
import type { SecretBox } from '../../../shared/crypto/secret-box.ts';
import {
  readAccounts,
  readBalances,
  type AccountRead,
  type AccountScope,
} from '../db/account-read.ts';
import type { AccountsDb } from '../db/client.ts';
import { Account, AccountIdentification, Balance } from '../schema/account.type.ts';
import { ConnectionStatus } from './connection.service.ts';
import { openIdentification } from './sealed.ts';

/**
 * Which accounts a caller may see. A consent-bound token sees only the accounts its PSU
 * chose for that consent; a PSU (choosing accounts for a consent) sees all of their own.
 * Only accounts of Active connections are visible: a disconnected bank's data is gone
 * from the API, whatever a consent selected.
 */
export class AccountService {
  constructor(
    private readonly db: AccountsDb,
    private readonly box: SecretBox,
  ) {}

  async visible(principal: Principal, grant: ConsentGrant | undefined): Promise<Account[]> {
    return (await readAccounts(this.db, this.scope(principal, grant))).map(toAccount);
  }

  async byIds(
    principal: Principal,
    grant: ConsentGrant | undefined,
    ids: readonly string[],
  ): Promise<(Account | null)[]> {
    const rows = await readAccounts(this.db, this.scope(principal, grant), { ids });
    const byId = new Map(rows.map((r) => [r.id, toAccount(r)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** The accounts of these connections the caller may see, per connection. */
  async ofConnections(
    principal: Principal,
    grant: ConsentGrant | undefined,
    connectionIds: readonly string[],
  ): Promise<Account[][]> {
    const rows = await readAccounts(this.db, this.scope(principal, grant), { connectionIds });
    return connectionIds.map((c) => rows.filter((r) => r.connectionId === c).map(toAccount));
  }

  /** Balances as stored (the caller refreshes them first), per account. */
  async storedBalances(accountIds: readonly string[]): Promise<Balance[][]> {
    const rows = await readBalances(this.db, accountIds);
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

  async transactionsSyncedAt(accountIds: readonly string[]): Promise<(Date | null)[]> {
    const rows = await this.db.account.findMany({
      where: { id: { in: [...accountIds] } },
      select: { id: true, transactionsSyncedAt: true },
    });
    const byId = new Map(rows.map((r) => [r.id, r.transactionsSyncedAt]));
    return accountIds.map((id) => byId.get(id) ?? null);
  }

  identification(account: Account): AccountIdentification | null {
    if (!account.identificationScheme || !account.identificationSecret) return null;
    const opened = openIdentification(this.box, account.id, account.identificationSecret);
    return Object.assign(new AccountIdentification(), {
      scheme: account.identificationScheme,
      identification: opened.identification,
      name: opened.name ?? null,
    });
  }

  private scope(principal: Principal, grant: ConsentGrant | undefined): AccountScope {
    const connectionStatus = ConnectionStatus.Active;
    if (principal.kind === 'consent' && grant) {
      return { psuId: grant.psuId, accountIds: grant.accountIds, connectionStatus };
    }
    if (principal.kind === 'psu') return { psuId: principal.subject, connectionStatus };
    throw forbidden('Account data needs a consent-bound token');
  }
}

function toAccount(r: AccountRead): Account {
  return Object.assign(new Account(), {
    id: r.id,
    bankId: r.bankId,
    connectionId: r.connectionId,
    accountType: r.accountType,
    accountSubType: r.accountSubType,
    currency: r.currency,
    nickname: r.nickname,
    identificationScheme: r.identificationScheme,
    identificationSecret: r.identificationSecret,
    bankAccountRef: r.bankAccountRef,
    balancesFetchedAt: r.balancesFetchedAt,
    transactionsSyncedAt: r.transactionsSyncedAt,
    quarantinedAt: r.quarantinedAt,
  });
}
