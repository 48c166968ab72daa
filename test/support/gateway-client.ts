import { expect } from 'vitest';
import { authorizeByHostedFlow } from '../../src/shared/oauth/hosted-flow.ts';
import { demoClientApps, demoPsus } from '../../src/subgraphs/consent/db/seed.ts';
import type { GraphQLResponse } from './system.ts';

/** A seeded demo client app, with its secret and first redirect URI, for the redirect flow. */
export function demoClient(id: string, secret?: string) {
  const app = demoClientApps.find((a) => a.id === id);
  if (!app) throw new Error(`${id} is not a demo client app`);
  return { id, secret: secret ?? app.secret, redirectUri: app.redirectUris[0]! };
}

/** A seeded demo PSU: password and (published) TOTP secret, for the hosted sign-in. */
export function demoPsu(username: string, password?: string) {
  const psu = demoPsus.find((p) => p.username === username);
  if (!psu) throw new Error(`${username} is not a demo PSU`);
  return { username, password: password ?? psu.password, totpSecret: psu.totpSecret };
}

/**
 * What a client app sends to a gateway it reaches over HTTP (a process of its own, or a load
 * balancer in front of replicas): the token calls and GraphQL requests of system.ts's
 * in-process helpers, against any base URL. No PSU token: our authorization server issues
 * none (system.ts's test identity provider does, for an in-process system).
 */
export function gatewayClient(
  url: string,
  /** Where the hosted pages are reached for the redirect flow; default this gateway. */
  o: { authorizationServer?: string } = {},
) {
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
    consent: (consentId: string, client = 'demo-pfm', secret = 'demo-pfm-secret') =>
      token(client, secret, {
        grant_type: 'urn:ledgergraph:params:oauth:grant-type:consent',
        consent_id: consentId,
      }),
  };

  /**
   * Request → the redirect flow, alice approving every account on the hosted pages (the
   * shared scripted browser) → the consent-bound token the code is redeemed for.
   */
  async function authorisedConsent(permissions: string[]) {
    const clientToken = await tokens.client();
    const { requestConsent } = ok(
      await execute<{ requestConsent: { id: string } }>(
        clientToken,
        'mutation($p: [ConsentPermission!]!) { requestConsent(input: { permissions: $p }) { id } }',
        { p: permissions },
      ),
    );
    const flow = await authorizeByHostedFlow({
      base: o.authorizationServer ?? url,
      client: demoClient('demo-pfm'),
      psu: demoPsu('alice'),
      consentId: requestConsent.id,
    });
    // Every account was approved; in the API's order (the consent page sorts by bank).
    const { accounts } = ok(
      await execute<{ accounts: { id: string }[] }>(flow.accessToken, '{ accounts { id } }'),
    );
    expect(accounts.map((a) => a.id).sort()).toEqual([...flow.accountIds].sort());
    return {
      consentId: requestConsent.id,
      accountIds: accounts.map((a) => a.id),
      clientToken,
      token: flow.accessToken,
    };
  }

  return { url, execute, ok, tokens, authorisedConsent };
}
export type GatewayClient = ReturnType<typeof gatewayClient>;
