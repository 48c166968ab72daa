import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import Provider, { errors, interactionPolicy, type KoaContext } from 'oidc-provider';
import type { Clock } from '../../../shared/clock.ts';
import type { Logger } from '../../../shared/log/index.ts';
import type { ConsentDb } from '../db/client.ts';
import { errorPage, pageHeaders } from '../pages/layout.ts';
import { ConsentStatus } from '../services/consent-rules.ts';
import type { SigningKeyService } from '../services/signing-keys.service.ts';
import { OAuthError, type TokenService } from '../services/token.service.ts';
import { prismaAdapter } from './adapter.ts';

/** The authorization request parameter naming the consent the client created first. */
export const consentIdParam = 'consent_id';

/** Lifetimes (seconds). Codes and pushed requests are short: FAPI 2.0 asks ≤ 60 s for both. */
export interface AuthorizationTtl {
  code: number;
  pushedRequest: number;
  interaction: number;
  refreshToken: number;
}

export const defaultAuthorizationTtl: AuthorizationTtl = {
  code: 60,
  pushedRequest: 60,
  interaction: 600,
  refreshToken: 90 * 86_400,
};

/**
 * A client secret checked against its stored hash before oidc-provider sees the request:
 * the provider compares secrets in plain text, and we keep only hashes. Per request.
 */
export const verifiedClientSecret = new AsyncLocalStorage<{ clientId: string; secret: string }>();

export interface ProviderOptions {
  db: ConsentDb;
  clock: Clock;
  issuer: string;
  /** Signs the provider's cookies (session, interaction). */
  cookieKeys: string[];
  tokens: TokenService;
  keys: SigningKeyService;
  ttl: AuthorizationTtl;
  log: Logger;
}

export const routes = {
  authorization: '/oauth/authorize',
  pushed_authorization_request: '/oauth/par',
  token: '/oauth/token',
  jwks: '/oauth/jwks',
  revocation: '/oauth/revoke',
  end_session: '/oauth/logout',
  userinfo: '/oauth/userinfo',
  introspection: '/oauth/introspect',
  code_verification: '/oauth/device',
  device_authorization: '/oauth/device/auth',
  registration: '/oauth/register',
  backchannel_authentication: '/oauth/backchannel',
  challenge: '/oauth/challenge',
} as const;

export const interactionPath = (uid: string) => `/signin/${uid}`;

/**
 * oidc-provider configured as the FAPI 2.0 authorization server of UK-style consents: PAR
 * required, authorization code with PKCE S256 only, exact redirect URIs, `iss` in the
 * response, private_key_jwt or client_secret_basic, rotating refresh tokens. Client apps are
 * the consent store's; the access tokens are our token service's (see `consentBoundTokens`).
 */
export async function createProvider(o: ProviderOptions): Promise<Provider> {
  const { db } = o;
  const PayloadAdapter = prismaAdapter(db, o.clock);
  const signingKey = await o.keys.current();

  const policy = interactionPolicy.base();
  // Each authorisation is its own strong customer authentication: no single sign-on.
  policy
    .get('login')
    .checks.push(
      new interactionPolicy.Check(
        'fresh_sign_in',
        'every authorisation needs its own sign-in',
        (ctx) => !ctx.oidc.result?.login,
      ),
    );
  // The consent screen decides the consent named in the request, whatever the scopes.
  policy.get('consent').checks.push(
    new interactionPolicy.Check(
      'consent_undecided',
      'the consent in the request is not decided yet',
      async (ctx) => {
        const grantId = ctx.oidc.result?.consent?.grantId;
        if (!grantId) return true;
        const id = String(ctx.oidc.params[consentIdParam] ?? '');
        const consent = await db.consent.findUnique({ where: { id } });
        return consent?.grantId !== grantId;
      },
    ),
  );

  const provider = new Provider(o.issuer, {
    adapter: function adapterFor(model: string) {
      return model === 'Client' ? new ClientAdapter(db) : new PayloadAdapter(model);
    },
    findAccount: async (_ctx: unknown, sub: string) => {
      const psu = await db.psu.findUnique({ where: { id: sub } });
      return psu ? { accountId: psu.id, claims: async () => ({ sub: psu.id }) } : undefined;
    },
    routes,
    interactions: {
      policy,
      url: (_ctx: unknown, interaction: { uid: string }) => interactionPath(interaction.uid),
    },
    features: {
      devInteractions: { enabled: false },
      pushedAuthorizationRequests: {
        enabled: true,
        requirePushedAuthorizationRequests: true,
        allowUnregisteredRedirectUris: false,
      },
      fapi: { enabled: true, profile: '2.0' },
      revocation: { enabled: true },
      userinfo: { enabled: false },
      introspection: { enabled: false },
      registration: { enabled: false },
    },
    pkce: { methods: ['S256'], required: () => true },
    responseTypes: ['code'],
    // OBIE's scopes for account and payment access; what they reach is the consent's.
    scopes: ['openid', 'offline_access', 'accounts', 'payments'],
    clientAuthMethods: ['private_key_jwt', 'client_secret_basic'],
    enabledJWA: {
      clientAuthSigningAlgValues: ['PS256', 'ES256', 'EdDSA'],
      requestObjectSigningAlgValues: ['PS256', 'ES256', 'EdDSA'],
      idTokenSigningAlgValues: [signingKey.alg],
    },
    jwks: { keys: [await o.keys.currentPrivateJwk()] },
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      id_token_signed_response_alg: signingKey.alg,
    },
    allowOmittingSingleRegisteredRedirectUri: false,
    extraParams: {
      [consentIdParam]: async (
        ctx: KoaContext,
        value: string | undefined,
        client: { clientId: string },
      ) => {
        // oidc-provider compares redirect URIs as parsed URLs (LOCALHOST, /a/../b match);
        // RFC 9700 §4.1.3 asks for exact string matching, so we hold it to the letter.
        const redirectUri = ctx.oidc.params.redirect_uri;
        if (
          typeof redirectUri === 'string' &&
          !ctx.oidc.client?.redirectUris.includes(redirectUri)
        ) {
          throw new errors.InvalidRequest('redirect_uri does not exactly match a registered one');
        }
        if (!value) throw new errors.InvalidRequest(`${consentIdParam} is required`);
        const consent = await db.consent.findUnique({ where: { id: value } });
        if (!consent || consent.clientAppId !== client.clientId) {
          throw new errors.InvalidRequest(`${consentIdParam} names no consent of this client`);
        }
        // Checked when the request is pushed; later steps see the consent it became.
        if (
          ctx.oidc.route === 'pushed_authorization_request' &&
          consent.status !== ConsentStatus.AwaitingAuthorisation
        ) {
          throw new errors.InvalidRequest('The consent is not awaiting authorisation');
        }
      },
    },
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    ttl: {
      AuthorizationCode: o.ttl.code,
      PushedAuthorizationRequest: o.ttl.pushedRequest,
      Interaction: o.ttl.interaction,
      Session: o.ttl.interaction,
      // Never used as a credential: replaced by ours in the token response, then deleted.
      AccessToken: 60,
      RefreshToken: o.ttl.refreshToken,
      Grant: o.ttl.refreshToken,
    },
    cookies: {
      keys: o.cookieKeys,
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    renderError: async (ctx: KoaContext, out: { error_description?: string }) => {
      ctx.type = 'html';
      ctx.body = errorPage(
        'This request cannot go on',
        out.error_description ?? 'The request to share your data was not valid.',
      );
    },
  });
  // Behind the gateway or a load balancer the scheme arrives in x-forwarded-proto.
  provider.proxy = true;
  provider.on('server_error', (_ctx, error) =>
    o.log.error('authorization server error', { error }),
  );
  provider.use(securityHeaders);
  provider.use(consentBoundTokens(o));
  return provider;
}

/** Every page and answer of the provider: never framed, never sniffed, never cached. */
const securityHeaders = async (ctx: KoaContext, next: () => Promise<void>) => {
  await next();
  for (const [name, value] of Object.entries(pageHeaders)) ctx.set(name, value);
};

/**
 * The token endpoint's answer carries our access token, not the provider's: the same
 * RFC 9068 JWT the gateway verifies today (our rotating keys, consent-bound claims, never
 * outliving the consent). The provider's refresh token stays; its own access token is
 * deleted unused. A consent no longer Authorised ends the grant: refresh fails from then on.
 */
function consentBoundTokens(o: ProviderOptions) {
  return async (ctx: KoaContext, next: () => Promise<void>) => {
    await next();
    if (ctx.oidc?.route !== 'token' || ctx.status !== 200) return;
    const body = ctx.body as { refresh_token?: string };
    const providerToken = ctx.oidc.entities.AccessToken;
    const grantId = providerToken?.grantId;
    const clientId = ctx.oidc.client?.clientId ?? '';
    try {
      const consent = grantId ? await o.db.consent.findUnique({ where: { grantId } }) : undefined;
      if (!consent) throw new OAuthError('invalid_grant', 'No consent is bound to this grant');
      const issued = await o.tokens.consent(clientId, consent.id);
      ctx.body = {
        ...issued,
        ...(body.refresh_token ? { refresh_token: body.refresh_token } : {}),
      };
    } catch (e) {
      if (!(e instanceof OAuthError)) throw e;
      if (grantId) await new (prismaAdapter(o.db, o.clock))('Grant').revokeByGrantId(grantId);
      ctx.status = 400;
      ctx.body = { error: 'invalid_grant', error_description: e.description };
    } finally {
      await providerToken?.destroy();
    }
  };
}

/**
 * oidc-provider's client lookup, answered from the consent store's client apps: those with
 * redirect URIs are authorization code clients; with a registered JWKS they authenticate with
 * private_key_jwt, otherwise (sandbox clients) with client_secret_basic.
 */
class ClientAdapter {
  constructor(private readonly db: ConsentDb) {}

  async find(id: string) {
    const app = await this.db.clientApp.findUnique({ where: { id } });
    const redirectUris = app ? (JSON.parse(app.redirectUris) as string[]) : [];
    if (!app || redirectUris.length === 0) return undefined;
    const verified = verifiedClientSecret.getStore();
    return {
      client_id: app.id,
      client_name: app.name,
      redirect_uris: redirectUris,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      ...(app.jwks
        ? { token_endpoint_auth_method: 'private_key_jwt', jwks: JSON.parse(app.jwks) as unknown }
        : {
            token_endpoint_auth_method: 'client_secret_basic',
            // The secret the request presented, once it matched the stored hash; else a
            // value nobody knows, so the provider refuses whatever was sent.
            client_secret:
              verified?.clientId === app.id
                ? verified.secret
                : randomBytes(32).toString('base64url'),
          }),
    };
  }

  async upsert() {}
  async findByUid() {
    return undefined;
  }
  async findByUserCode() {
    return undefined;
  }
  async consume() {}
  async destroy() {}
  async revokeByGrantId() {}
}
