import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { scopesForPermissions } from '../../../shared/auth/permissions.ts';
import { accessTokenType } from '../../../shared/auth/verify.ts';
import type { Clock } from '../../../shared/clock.ts';
import type { ConsentDb } from '../db/client.ts';
import type { ConsentService } from './consent.service.ts';
import { verifySecret } from './secret-hash.ts';
import type { SigningKeyService } from './signing-keys.service.ts';

/** OAuth 2.0 error codes (RFC 6749 §5.2); `status` is the HTTP status to answer with. */
export class OAuthError extends Error {
  constructor(
    readonly error:
      | 'invalid_request'
      | 'invalid_client'
      | 'invalid_grant'
      | 'unauthorized_client'
      | 'unsupported_grant_type'
      | 'invalid_scope',
    readonly description: string,
    readonly status = error === 'invalid_client' ? 401 : 400,
    /** Whose credential was refused, when known: the PSU or client id (for throttling logs). */
    readonly subject?: string,
  ) {
    super(description);
  }
}

export interface IssuedToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

export const consentGrantType = 'urn:ledgergraph:params:oauth:grant-type:consent';

/**
 * What a consent-bound token states of the PSU's authentication: customer authentication
 * (`ca`), never SCA, whatever the sign-in was. Payments ask for SCA separately.
 */
export const psuAuthenticationAcr = 'urn:openbanking:psd2:ca';

/**
 * Issues RFC 9068 access tokens: `client_credentials` for a client app acting for itself and
 * the consent grant for a client app acting for a PSU under an Authorised consent (also what
 * the authorization code flow's token endpoint answers). Never a token acting as the PSU: the
 * PSU signs in only on the hosted pages (docs/DECISIONS.md, "Tokens").
 */
export class TokenService {
  constructor(
    private readonly db: ConsentDb,
    private readonly consents: ConsentService,
    private readonly keys: SigningKeyService,
    private readonly clock: Clock,
    private readonly options: { issuer: string; audience: string; ttlSeconds: number },
  ) {}

  async authenticateClient(clientId: string | undefined, secret: string | undefined) {
    if (!clientId || !secret)
      throw new OAuthError('invalid_client', 'Client authentication failed');
    const app = await this.db.clientApp.findUnique({ where: { id: clientId } });
    // Compare against a hash even for unknown clients so timing does not reveal which exist.
    const ok = await verifySecret(
      secret,
      app?.secretHash ??
        'scrypt$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    );
    if (!app || !ok)
      throw new OAuthError('invalid_client', 'Client authentication failed', 401, app?.id);
    return app;
  }

  async clientCredentials(clientId: string, requested: string | undefined): Promise<IssuedToken> {
    const app = await this.db.clientApp.findUniqueOrThrow({ where: { id: clientId } });
    const granted = app.platformScopes.split(' ').filter(Boolean);
    const scopes = requested ? requested.split(' ').filter(Boolean) : granted;
    const extra = scopes.filter((s) => !granted.includes(s));
    if (extra.length)
      throw new OAuthError('invalid_scope', `Scope not granted to this client: ${extra.join(' ')}`);
    return this.sign({ sub: clientId, client_id: clientId, scope: scopes.join(' ') });
  }

  async consent(clientId: string, consentId: string | undefined): Promise<IssuedToken> {
    if (!consentId) throw new OAuthError('invalid_request', 'consent_id is required');
    const grant = await this.consents.grant(consentId);
    if (!grant || grant.clientId !== clientId) {
      throw new OAuthError('invalid_grant', 'The consent is not authorised for this client');
    }
    const expiresAt = grant.expiresAt ? Date.parse(grant.expiresAt) / 1000 : Infinity;
    return this.sign(
      {
        sub: grant.psuId,
        client_id: clientId,
        consent_id: grant.consentId,
        scope: scopesForPermissions(grant.permissions).join(' '),
        acr: psuAuthenticationAcr,
      },
      expiresAt,
    );
  }

  private async sign(claims: Record<string, string>, notAfter = Infinity): Promise<IssuedToken> {
    const key = await this.keys.current();
    const now = Math.floor(this.clock.now().getTime() / 1000);
    // A token never outlives its consent.
    const exp = Math.min(now + this.options.ttlSeconds, Math.floor(notAfter));
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: accessTokenType })
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(key.key);
    return {
      access_token: token,
      token_type: 'Bearer',
      expires_in: exp - now,
      scope: claims.scope ?? '',
    };
  }
}
