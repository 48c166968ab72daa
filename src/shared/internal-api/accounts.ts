import { z } from 'zod';
import { upstreamUnavailable } from '../errors/index.ts';
import { callInternal } from './call.ts';

/**
 * The accounts service's internal routes: what other services may ask about a PSU's
 * accounts. Only the accounts service knows which account belongs to whom and what its
 * number is; consent and payments ask here instead of trusting what a client sent.
 */
export const accountsRoutes = {
  /** Which of these account ids are this PSU's (consent authorisation). */
  owned: { path: '/internal/accounts/owned', audience: 'accounts:owned' },
  /** These accounts of this PSU, with their bank and identification (payment debtors). */
  identifications: {
    path: '/internal/accounts/identifications',
    audience: 'accounts:identifications',
  },
} as const;

const id = z.string().min(1).max(200);

/** One question for either route; a consent selects at most 100 accounts. */
export const accountsQuestion = z.object({
  psuId: id,
  accountIds: z.array(id).max(500),
});
export type AccountsQuestion = z.infer<typeof accountsQuestion>;

const ownedAnswer = z.object({
  /** The asked ids that are the PSU's accounts. */
  owned: z.array(z.string()),
});
export type OwnedAccountsAnswer = z.infer<typeof ownedAnswer>;

const accountOnFile = z.object({
  id: z.string(),
  bankId: z.string(),
  /** How the bank identifies the account; null when the bank did not say. */
  identification: z.object({ scheme: z.string(), identification: z.string() }).nullable(),
});
export type AccountOnFile = z.infer<typeof accountOnFile>;

const identificationsAnswer = z.object({ accounts: z.array(accountOnFile) });
export type AccountIdentificationsAnswer = z.infer<typeof identificationsAnswer>;

/** The accounts service, as consent and payments call it. */
export class AccountsClient {
  constructor(
    private readonly o: {
      /** The accounts service's origin, e.g. http://127.0.0.1:4102 */
      baseUrl: string;
      secret: string;
      timeoutMs?: number;
    },
  ) {}

  async owned(psuId: string, accountIds: readonly string[]): Promise<string[]> {
    return (await this.ask(accountsRoutes.owned, ownedAnswer, psuId, accountIds)).owned;
  }

  async identifications(psuId: string, accountIds: readonly string[]): Promise<AccountOnFile[]> {
    return (
      await this.ask(accountsRoutes.identifications, identificationsAnswer, psuId, accountIds)
    ).accounts;
  }

  private async ask<T>(
    route: { path: string; audience: string },
    answer: z.ZodType<T>,
    psuId: string,
    accountIds: readonly string[],
  ): Promise<T> {
    const body: AccountsQuestion = { psuId, accountIds: [...accountIds] };
    const raw = await callInternal<unknown>({
      ...route,
      baseUrl: this.o.baseUrl,
      secret: this.o.secret,
      body,
      service: 'accounts',
      ...(this.o.timeoutMs !== undefined ? { timeoutMs: this.o.timeoutMs } : {}),
    });
    const parsed = answer.safeParse(raw);
    if (!parsed.success) throw upstreamUnavailable('The accounts service answered unreadably');
    return parsed.data;
  }
}
