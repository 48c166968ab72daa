import type { SecretBox } from '../../../shared/crypto/secret-box.ts';
import type { AccountOnFile } from '../../../shared/internal-api/accounts.ts';
import type { AccountsDb } from '../db/client.ts';
import { openIdentification } from './sealed.ts';

/**
 * Answers other services' questions about a PSU's accounts. An id that is not the PSU's
 * (another PSU's, or made up) is simply absent from every answer, so the asker cannot
 * learn whose it is.
 */
export class PsuAccounts {
  constructor(
    private readonly db: AccountsDb,
    private readonly box: SecretBox,
  ) {}

  async owned(psuId: string, accountIds: readonly string[]): Promise<string[]> {
    const rows = await this.db.account.findMany({
      where: { psuId, id: { in: [...new Set(accountIds)] } },
      select: { id: true },
    });
    const owned = new Set(rows.map((r) => r.id));
    return [...new Set(accountIds)].filter((id) => owned.has(id));
  }

  async identifications(psuId: string, accountIds: readonly string[]): Promise<AccountOnFile[]> {
    const rows = await this.db.account.findMany({
      where: { psuId, id: { in: [...new Set(accountIds)] } },
      select: { id: true, bankId: true, identificationScheme: true, identificationSecret: true },
      orderBy: { id: 'asc' },
    });
    return rows.map((r) => ({
      id: r.id,
      bankId: r.bankId,
      identification:
        r.identificationScheme && r.identificationSecret
          ? {
              scheme: r.identificationScheme,
              identification: openIdentification(this.box, r.id, r.identificationSecret)
                .identification,
            }
          : null,
    }));
  }
}
