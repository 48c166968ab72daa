/**
 * SANDBOX ONLY. The README's first query through the real redirect flow, without a browser:
 * the client app `demo-pfm` creates a consent and pushes an authorization request (PAR,
 * PKCE S256); the scripted browser of src/shared/oauth/hosted-flow.ts then stands in for the
 * demo PSU on the hosted pages (password, and the one-time code computed from the demo PSU's
 * published TOTP secret), approves every account, and the client redeems the code and reads
 * through the gateway.
 *
 *   npm run first-query -- [gateway URL, default http://localhost:4000] [psu, default alice]
 */
import { pathToFileURL } from 'node:url';
import { authorizeByHostedFlow } from '../src/shared/oauth/hosted-flow.ts';
import { demoClientApps, demoPsus } from '../src/subgraphs/consent/db/seed.ts';

const query = `{ accounts { nickname currency identification { scheme identification }
  balances { type amount currency } } }`;

export async function firstQuery(base: string, username = 'alice') {
  const app = demoClientApps.find((c) => c.id === 'demo-pfm')!;
  const psu = demoPsus.find((p) => p.username === username);
  if (!psu) throw new Error(`${username} is not a demo PSU`);
  const graphql = async (token: string, q: string) => {
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: q }),
    });
    const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
    if (body.errors?.length) throw new Error(JSON.stringify(body.errors));
    return body.data!;
  };

  // 1. The client app: its own token, and a consent awaiting the PSU.
  const res = await fetch(`${base}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${app.id}:${app.secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  });
  const client = (await res.json()) as { access_token?: string; error?: string };
  if (!client.access_token) throw new Error(`client token: ${res.status} ${client.error}`);
  const created = await graphql(
    client.access_token,
    'mutation { requestConsent(input: { permissions: [ReadAccountsDetail, ReadBalances] }) { id } }',
  );
  const consentId = (created.requestConsent as { id: string }).id;

  // 2. PAR, the hosted sign-in and consent pages, the code: the redirect flow.
  const { accessToken } = await authorizeByHostedFlow({
    base,
    client: { id: app.id, secret: app.secret, redirectUri: app.redirectUris[0]! },
    psu,
    consentId,
  });

  // 3. The client app reads with the consent-bound token.
  return { consentId, data: await graphql(accessToken, query) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [base = 'http://localhost:4000', username = 'alice'] = process.argv.slice(2);
  firstQuery(base.replace(/\/$/, ''), username).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exitCode = 1;
    },
  );
}
