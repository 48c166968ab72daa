import { upstreamUnavailable } from '../../shared/errors/index.ts';
import {
  authorizeByHostedFlow,
  type HostedFlowClient,
  type HostedFlowPsu,
} from '../../shared/oauth/hosted-flow.ts';

/** Published demo credentials (seeded by SEED_DEMO_DATA and printed at start). */
export interface SandboxCredentials {
  /** The client app, registered for the redirect flow. */
  client: HostedFlowClient;
  /** The demo PSU who signs in on the hosted pages (password and TOTP secret). */
  psu: HostedFlowPsu;
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
 * The demo flow a client app and a PSU go through, run on the playground's behalf against
 * the authorization server (`base`: the consent service's origin): the app's
 * client_credentials token and a consent request, then the redirect flow with the demo
 * PSU's scripted browser (shared/oauth/hosted-flow.ts: PAR, hosted sign-in with password and
 * TOTP, every account approved on the consent page), and the consent-bound token the code
 * is redeemed for. Dev only (PLAYGROUND_SANDBOX_TOKEN).
 */
export async function runSandboxFlow(
  base: string,
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

  const clientToken = await step('client token', async () => {
    const res = await fetch(`${base}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${c.client.id}:${c.client.secret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await res.json()) as { access_token?: string; error?: string };
    if (!body.access_token) throw new Error(body.error ?? `token endpoint answered ${res.status}`);
    return body.access_token;
  });
  const requested = await step('consent request', () =>
    run(
      clientToken,
      'mutation($p: [ConsentPermission!]!) { requestConsent(input: { permissions: $p }) { id } }',
      { p: c.permissions },
    ),
  );
  const consentId = (requested.requestConsent as { id: string }).id;
  const authorised = await step('redirect flow', () =>
    authorizeByHostedFlow({
      base,
      client: c.client,
      psu: c.psu,
      consentId,
      timeoutMs: 5_000,
    }),
  );
  return {
    client: c.client.id,
    psu: c.psu.username,
    consentId,
    clientToken,
    consentToken: authorised.accessToken,
  };
}
