import { randomUUID } from 'node:crypto';
import { PlatformScope } from '../../../shared/auth/permissions.ts';
import {
  internalContextHeader,
  signInternalContext,
} from '../../../shared/auth/internal-context.ts';
import { upstreamUnavailable } from '../../../shared/errors/index.ts';
import type { AccountChoice } from '../pages/consent.ts';

/** The first-party client the consent screen acts as (seeded with consents:authorise). */
export const consentScreenClientId = 'ledgergraph-consent-ui';

interface Answer {
  data?: { accounts?: AccountRow[] | null; banks?: { id: string; name: string }[] | null };
}

interface AccountRow {
  id: string;
  bankId: string;
  nickname: string | null;
  accountSubType: string | null;
  currency: string | null;
}

/**
 * The signed-in PSU's connected accounts, for the consent screen to offer. Only the accounts
 * service knows them, and its internal routes answer questions about given ids, not "which
 * are there": so this asks its GraphQL API the way the gateway does for a PSU signed in to
 * the consent screen (same signed internal context, same rules, an audit record there).
 */
export class PsuAccountLister {
  constructor(
    private readonly o: { accountsGraphqlUrl: string; secret: string; timeoutMs?: number },
  ) {}

  async list(psuId: string, requestId: string): Promise<AccountChoice[]> {
    const context = await signInternalContext(
      {
        requestId,
        principal: {
          kind: 'psu',
          subject: psuId,
          psuId,
          clientId: consentScreenClientId,
          scopes: [PlatformScope.ConsentsAuthorise],
          tokenId: randomUUID(),
          issuer: 'ledgergraph-consent',
          expiresAt: Math.floor(Date.now() / 1000) + 60,
        },
      },
      'accounts',
      this.o.secret,
    );
    const res = await fetch(this.o.accountsGraphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [internalContextHeader]: context },
      body: JSON.stringify({
        query: '{ accounts { id bankId nickname accountSubType currency } banks { id name } }',
      }),
      signal: AbortSignal.timeout(this.o.timeoutMs ?? 5_000),
    }).catch(() => undefined);
    const body = (await res?.json().catch(() => undefined)) as Answer | undefined;
    const rows = body?.data?.accounts;
    if (!res?.ok || !rows) throw upstreamUnavailable('The accounts service did not answer');
    const banks = new Map((body.data?.banks ?? []).map((b) => [b.id, b.name]));
    return rows
      .map((a) => ({
        id: a.id,
        label: a.nickname ?? a.accountSubType ?? 'Account',
        detail: [banks.get(a.bankId) ?? a.bankId, a.accountSubType, a.currency]
          .filter(Boolean)
          .join(' · '),
      }))
      .sort((x, y) => x.detail.localeCompare(y.detail) || x.label.localeCompare(y.label));
  }
}
