import { createHmac, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../../../shared/http/graphql-handler.ts';
import type { Route } from '../../../shared/http/server.ts';
import type { Clock } from '../../../shared/clock.ts';
import type { SecretBox } from '../../../shared/crypto/secret-box.ts';
import { silentLogger, type Logger } from '../../../shared/log/index.ts';
import { clientAddressOf, CredentialThrottled } from '../../../shared/throttle/index.ts';
import type { ConsentDb } from '../db/client.ts';
import {
  credentialGuard,
  credentialThrottles,
  type CredentialGuardOptions,
  type CredentialThrottles,
} from '../http/credential-guard.ts';
import { sendStylesheet, stylesheetPath } from '../pages/layout.ts';
import type { AuditReadService } from '../services/audit.service.ts';
import type { ConsentService } from '../services/consent.service.ts';
import type { ConsentUsage } from '../services/consent-usage.ts';
import { accountPages } from './account-pages.ts';
import { AccountSessions } from './account-session.ts';
import { compliancePages } from './compliance-pages.ts';
import type { SigningKeyService } from '../services/signing-keys.service.ts';
import { OAuthError, type TokenService } from '../services/token.service.ts';
import { interactionRoutes } from './interactions.ts';
import {
  createProvider,
  defaultAuthorizationTtl,
  routes as providerRoutes,
  verifiedClientSecret,
  type AuthorizationTtl,
} from './provider.ts';
import type { PsuAccountLister } from './psu-accounts.ts';

export interface AuthorizationServerOptions {
  db: ConsentDb;
  clock: Clock;
  /** The issuer of our access tokens, and so of the authorization server (one identity). */
  issuer: string;
  /** Derives the cookie and CSRF keys; the same on every replica. */
  secret: string;
  tokens: TokenService;
  keys: SigningKeyService;
  consents: ConsentService;
  accounts: PsuAccountLister;
  /** The compliance read side the API's audit fields use; the console calls it too. */
  auditRead: AuditReadService;
  /** When each consent was last used, for the access dashboard. */
  usage: ConsentUsage;
  /** Seals and opens PSUs' TOTP secrets. */
  box: SecretBox;
  throttles?: CredentialThrottles;
  guard?: CredentialGuardOptions;
  /** Verifies the client address the gateway forwards. */
  internalSecret?: string;
  ttl?: Partial<AuthorizationTtl>;
  log?: Logger;
}

const derive = (secret: string, purpose: string) =>
  createHmac('sha256', secret).update(`ledgergraph-authorization:${purpose}`).digest('base64url');

/**
 * The authorization server's routes on the consent service: oidc-provider under /oauth/,
 * its metadata under /.well-known/, the hosted sign-in and consent pages under /signin/,
 * the PSU's access dashboard under /account/ and the compliance console under /compliance.
 */
export async function createAuthorizationServer(
  o: AuthorizationServerOptions,
): Promise<Record<string, Route>> {
  const log = o.log ?? silentLogger;
  const throttles = o.throttles ?? credentialThrottles();
  const guard = o.guard ?? {};
  const provider = await createProvider({
    db: o.db,
    clock: o.clock,
    issuer: o.issuer,
    cookieKeys: [derive(o.secret, 'cookies')],
    tokens: o.tokens,
    keys: o.keys,
    ttl: { ...defaultAuthorizationTtl, ...o.ttl },
    log,
  });
  const callback = provider.callback();
  const guarded = credentialGuard(guard);
  const authenticated = new Set<string>([
    providerRoutes.pushed_authorization_request,
    providerRoutes.token,
    providerRoutes.revocation,
  ]);

  /**
   * A Basic client secret is checked here, throttled like the token endpoint's, against the
   * stored hash; the provider then sees it as the client's secret only when it matched.
   */
  const oauth: Route = async (req, res, url) => {
    const basic = req.method === 'POST' && authenticated.has(url.pathname) && basicOf(req);
    if (!basic) return callback(req, res);
    const ctx = { address: await clientAddressOf(req, o.internalSecret), requestId: randomUUID() };
    try {
      await guarded(throttles.client, basic.clientId, ctx, () =>
        o.tokens.authenticateClient(basic.clientId, basic.secret),
      );
    } catch (e) {
      if (e instanceof CredentialThrottled) {
        return sendJson(
          res,
          429,
          { error: 'invalid_client', error_description: e.message },
          { 'cache-control': 'no-store', 'retry-after': String(e.retryAfterSeconds) },
        );
      }
      if (!(e instanceof OAuthError)) throw e;
      return callback(req, res);
    }
    await verifiedClientSecret.run(basic, () => callback(req, res));
  };

  /** RFC 8414 metadata: the provider's discovery document, at the OAuth 2.0 well-known path. */
  const metadata: Route = (req: IncomingMessage, res: ServerResponse) => {
    req.url = '/.well-known/openid-configuration';
    return callback(req, res);
  };

  const csrfKey = derive(o.secret, 'csrf');
  const sessions = new AccountSessions(o.db, o.clock, {
    csrfKey,
    secure: o.issuer.startsWith('https:'),
  });
  const credentials = {
    db: o.db,
    box: o.box,
    clock: o.clock,
    throttles,
    guard,
    ...(o.internalSecret ? { internalSecret: o.internalSecret } : {}),
  };

  return {
    ...accountPages({
      ...credentials,
      sessions,
      consents: o.consents,
      usage: o.usage,
      accounts: o.accounts,
      csrfKey,
    }),
    ...compliancePages({
      db: o.db,
      clock: o.clock,
      sessions,
      audit: o.auditRead,
      ...(guard.audit ? { sink: guard.audit } : {}),
    }),
    'GET /oauth/*': oauth,
    'POST /oauth/*': oauth,
    'GET /.well-known/oauth-authorization-server': metadata,
    'GET /.well-known/openid-configuration': (req, res) => callback(req, res),
    [`GET ${stylesheetPath}`]: (_req, res) => sendStylesheet(res),
    ...interactionRoutes({
      provider,
      db: o.db,
      consents: o.consents,
      accounts: o.accounts,
      box: o.box,
      clock: o.clock,
      throttles,
      guard,
      csrfKey,
      ...(o.internalSecret ? { internalSecret: o.internalSecret } : {}),
    }),
  };
}

function basicOf(req: IncomingMessage): { clientId: string; secret: string } | undefined {
  const basic = /^basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!basic?.[1]) return undefined;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i <= 0) return undefined;
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, i)),
      secret: decodeURIComponent(decoded.slice(i + 1)),
    };
  } catch {
    return undefined;
  }
}
