import { upstreamUnavailable } from '../../shared/errors/index.ts';

/** Published demo credentials (seeded by SEED_DEMO_DATA and printed at start). */
export interface SandboxCredentials {
  client: { id: string; secret: string };
  /** The first-party consent screen's client, which signs the PSU in. */
  consentUi: { id: string; secret: string };
  psu: { username: string; password: string };
  permissions: string[];
}

export interface SandboxSession {
  client: string;
  psu: string;
  consentId: string;
  clientToken: string;
  consentToken: string;
}

/** Runs one operation through the gateway with a token; throws on any error. */
export type RunAs = (
  token: string,
  query: string,
  variables?: Record<string, unknown>,
) => Promise<Record<string, unknown>>;

/**
 * The demo flow a client app and a PSU go through, run on the playground's behalf: the
 * app's client_credentials token, a consent request, the PSU's sign-in and authorisation
 * of all their accounts, and the consent-bound token. Dev only (PLAYGROUND_SANDBOX_TOKEN).
 */
export async function runSandboxFlow(
  tokenUrl: string,
  c: SandboxCredentials,
  run: RunAs,
): Promise<SandboxSession> {
  const step = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      const why = e instanceof Error ? e.message : 'failed';
      throw upstreamUnavailable(`Sandbox flow failed at ${name}: ${why}`, { step: name });
    }
  };
  const token = async (client: { id: string; secret: string }, form: Record<string, string>) => {
    const res = await fetch(tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
      },
      body: new URLSearchParams(form),
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await res.json()) as { access_token?: string; error?: string };
    if (!body.access_token) throw new Error(body.error ?? `token endpoint answered ${res.status}`);
    return body.access_token;
  };

  const clientToken = await step('client token', () =>
    token(c.client, { grant_type: 'client_credentials' }),
  );
  const requested = await step('consent request', () =>
    run(
      clientToken,
      'mutation($p: [ConsentPermission!]!) { requestConsent(input: { permissions: $p }) { id } }',
      { p: c.permissions },
    ),
  );
  const consentId = (requested.requestConsent as { id: string }).id;
  const psuToken = await step('PSU sign-in', () =>
    token(c.consentUi, {
      grant_type: 'password',
      username: c.psu.username,
      password: c.psu.password,
    }),
  );
  const accounts = await step('account list', () => run(psuToken, '{ accounts { id } }'));
  const accountIds = ((accounts.accounts ?? []) as { id: string }[]).map((a) => a.id);
  await step('authorisation', () =>
    run(
      psuToken,
      'mutation($id: ID!, $a: [ID!]!) { authoriseConsent(id: $id, accountIds: $a) { id } }',
      { id: consentId, a: accountIds },
    ),
  );
  const consentToken = await step('consent token', () =>
    token(c.client, {
      grant_type: 'urn:ledgergraph:params:oauth:grant-type:consent',
      consent_id: consentId,
    }),
  );
  return { client: c.client.id, psu: c.psu.username, consentId, clientToken, consentToken };
}
