import type { GraphQLResponse } from './system.ts';

/**
 * What a client app sends to a gateway it reaches over HTTP (a process of its own, or a load
 * balancer in front of replicas): the token calls and GraphQL requests of system.ts's
 * in-process helpers, against any base URL.
 */
export function gatewayClient(url: string) {
  async function token(client: string, secret: string, form: Record<string, string>) {
    const res = await fetch(`${url}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${client}:${secret}`).toString('base64')}`,
      },
      body: new URLSearchParams(form),
    });
    const body = (await res.json()) as { access_token?: string; error?: string };
    if (!body.access_token) {
      throw new Error(`token request failed: ${res.status} ${JSON.stringify(body)}`);
    }
    return body.access_token;
  }

  /** Throws on a network error or an answer that is not JSON (a load balancer's 503 page). */
  async function execute<T = Record<string, unknown>>(
    accessToken: string | undefined,
    query: string,
    variables: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ): Promise<GraphQLResponse<T>> {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await res.text();
    let body: Omit<GraphQLResponse<T>, 'status' | 'headers'>;
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new Error(`HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
    }
    return { status: res.status, headers: res.headers, ...body };
  }

  const ok = <T>(res: GraphQLResponse<T>): T => {
    if (res.errors?.length || !res.data) {
      throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
    }
    return res.data;
  };

  const tokens = {
    client: (client = 'demo-pfm', secret = 'demo-pfm-secret') =>
      token(client, secret, { grant_type: 'client_credentials' }),
    psu: (username = 'alice', password = 'alice-sandbox') =>
      token('ledgergraph-consent-ui', 'consent-ui-secret', {
        grant_type: 'password',
        username,
        password,
      }),
    consent: (consentId: string, client = 'demo-pfm', secret = 'demo-pfm-secret') =>
      token(client, secret, {
        grant_type: 'urn:ledgergraph:params:oauth:grant-type:consent',
        consent_id: consentId,
      }),
  };

  /** Request → the PSU authorises all their accounts → consent-bound token (as alice). */
  async function authorisedConsent(permissions: string[]) {
    const clientToken = await tokens.client();
    const { requestConsent } = ok(
      await execute<{ requestConsent: { id: string } }>(
        clientToken,
        'mutation($p: [ConsentPermission!]!) { requestConsent(input: { permissions: $p }) { id } }',
        { p: permissions },
      ),
    );
    const psuToken = await tokens.psu();
    const { accounts } = ok(
      await execute<{ accounts: { id: string }[] }>(psuToken, '{ accounts { id } }'),
    );
    ok(
      await execute(
        psuToken,
        'mutation($id: ID!, $a: [ID!]!) { authoriseConsent(id: $id, accountIds: $a) { id } }',
        { id: requestConsent.id, a: accounts.map((a) => a.id) },
      ),
    );
    return {
      consentId: requestConsent.id,
      accountIds: accounts.map((a) => a.id),
      clientToken,
      psuToken,
      token: await tokens.consent(requestConsent.id),
    };
  }

  return { url, execute, ok, tokens, authorisedConsent };
}
export type GatewayClient = ReturnType<typeof gatewayClient>;
