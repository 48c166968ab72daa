import { authorizeByHostedFlow } from '../../src/shared/oauth/hosted-flow.ts';
import { demoClientApps, demoPsus } from '../../src/subgraphs/consent/db/seed.ts';

/** The permissions of the bench's consent: everything the standard operations read or do. */
export const dataPermissions = [
  'ReadAccountsDetail',
  'ReadBalances',
  'ReadTransactionsDetail',
  'ReadTransactionsCredits',
  'ReadTransactionsDebits',
  'InitiatePayments',
  'ReadPayments',
];

/** A gateway and the bench's consent there: what the standard operations need to be sent. */
export interface Seeded {
  gatewayUrl: string;
  /** alice's consent-bound access token for the demo client app. */
  bearer: string;
  consentId: string;
  accounts: { id: string; bankId: string }[];
}

/**
 * One authorised consent of alice's over all her accounts, asked for, authorised and turned
 * into a consent-bound token through the gateway at `gatewayUrl`, as a client app and the PSU
 * do it: the same seed whether the services share a process or not.
 */
export async function seedConsent(gatewayUrl: string) {
  const token = async (client: string, secret: string, form: Record<string, string>) => {
    const res = await fetch(`${gatewayUrl}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${client}:${secret}`).toString('base64')}`,
      },
      body: new URLSearchParams(form),
    });
    const body = (await res.json()) as { access_token?: string };
    if (!body.access_token) throw new Error(`token: ${res.status} ${JSON.stringify(body)}`);
    return body.access_token;
  };
  const graphql = async <T>(bearer: string, query: string, variables = {}) => {
    const res = await fetch(`${gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    let body: { data?: T; errors?: unknown[] } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // Not GraphQL: reported below with the status.
    }
    if (body.errors?.length || !body.data)
      throw new Error(`graphql: ${res.status} ${text.slice(0, 500)}`);
    return body.data;
  };
  const client = () => token('demo-pfm', 'demo-pfm-secret', { grant_type: 'client_credentials' });
  const asked = await graphql<{ requestConsent: { id: string } }>(
    await client(),
    'mutation($p: [ConsentPermission!]!) { requestConsent(input: { permissions: $p }) { id } }',
    { p: dataPermissions },
  );
  const consentId = asked.requestConsent.id;
  // The redirect flow: alice signs in on the hosted pages and approves every account.
  const pfm = demoClientApps.find((a) => a.id === 'demo-pfm')!;
  const alice = demoPsus.find((p) => p.username === 'alice')!;
  const { accessToken: bearer } = await authorizeByHostedFlow({
    base: gatewayUrl,
    client: { id: pfm.id, secret: pfm.secret, redirectUri: pfm.redirectUris[0]! },
    psu: alice,
    consentId,
  });
  const mine = await graphql<{ accounts: { id: string; bankId: string }[] }>(
    bearer,
    '{ accounts { id bankId } }',
  );
  const seeded: Seeded = { gatewayUrl, bearer, consentId, accounts: mine.accounts };
  return {
    ...seeded,
    graphql: <T>(query: string, variables = {}) => graphql<T>(bearer, query, variables),
  };
}
