import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../../../shared/http/graphql-handler.ts';
import { AppError } from '../../../shared/errors/index.ts';
import { clientAddressOf, CredentialThrottled } from '../../../shared/throttle/index.ts';
import { OAuthError, consentGrantType, type TokenService } from '../services/token.service.ts';
import {
  credentialGuard,
  credentialThrottles,
  requestIdOf,
  type CredentialGuardOptions,
  type CredentialThrottles,
} from './credential-guard.ts';

const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' };

export interface TokenEndpointOptions extends CredentialGuardOptions {
  /** Default: per process, with the default limits (SIGNIN_* configures the service's). */
  throttles?: CredentialThrottles;
  /** Verifies the client address the gateway forwards; without it, the peer's counts. */
  internalSecret?: string;
}

/**
 * OAuth 2.0 token endpoint (RFC 6749): form-encoded body, client authentication by HTTP
 * Basic (client_secret_basic) or body parameters (client_secret_post). Client secrets are
 * checked under a throttle (credential-guard.ts); PSU passwords never come here.
 */
export function tokenEndpoint(tokens: TokenService, o: TokenEndpointOptions = {}) {
  const throttles = o.throttles ?? credentialThrottles();
  const guarded = credentialGuard(o);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
      if (type !== 'application/x-www-form-urlencoded') {
        throw new OAuthError('invalid_request', 'Use application/x-www-form-urlencoded');
      }
      const form = formOf(req, await readBody(req, 16_384));
      const ctx = {
        address: await clientAddressOf(req, o.internalSecret),
        requestId: requestIdOf(req),
      };
      const { clientId, secret } = clientCredentialsOf(req, form);
      const app = await guarded(throttles.client, secret ? clientId : undefined, ctx, () =>
        tokens.authenticateClient(clientId, secret),
      );
      // No `password` grant: a PSU signs in only on the hosted pages (docs/DECISIONS.md).
      const grant = form.get('grant_type');
      const issued =
        grant === 'client_credentials'
          ? await tokens.clientCredentials(app.id, form.get('scope') ?? undefined)
          : grant === consentGrantType
            ? await tokens.consent(app.id, form.get('consent_id') ?? undefined)
            : unsupported(grant);
      sendJson(res, 200, issued, noStore);
    } catch (e) {
      if (e instanceof CredentialThrottled) {
        // RFC 6749 §5.2 is the token endpoint's error list: `slow_down` is the device grant's
        // "poll less often" (RFC 8628 §3.5) and `temporarily_unavailable` is defined only for
        // the authorization endpoint, meaning an overloaded server. These credentials are
        // refused for now, so the code a client already handles for them, with 429 and
        // Retry-After to say when to try again (RFC 6585).
        sendJson(
          res,
          429,
          { error: 'invalid_client', error_description: e.message },
          {
            ...noStore,
            'retry-after': String(e.retryAfterSeconds),
          },
        );
      } else if (e instanceof OAuthError) {
        const headers: Record<string, string> = { ...noStore };
        if (e.status === 401) headers['www-authenticate'] = 'Basic realm="ledgergraph"';
        sendJson(res, e.status, { error: e.error, error_description: e.description }, headers);
      } else if (e instanceof AppError) {
        sendJson(res, 413, { error: 'invalid_request', error_description: e.message }, noStore);
      } else throw e;
    }
  };
}

function unsupported(grant: string | null): never {
  throw new OAuthError('unsupported_grant_type', `Unsupported grant_type: ${grant ?? '(none)'}`);
}

/**
 * The form, refusing what RFC 6749 §3.1 forbids ("parameters MUST NOT be included more than
 * once") and two Authorization headers, of which Node would keep only the first.
 */
function formOf(req: IncomingMessage, body: string): URLSearchParams {
  if ((req.headersDistinct.authorization?.length ?? 0) > 1)
    throw new OAuthError('invalid_request', 'Send at most one Authorization header');
  const form = new URLSearchParams(body);
  const seen = new Set<string>();
  for (const name of form.keys()) {
    if (seen.has(name))
      throw new OAuthError('invalid_request', `Parameter ${name.slice(0, 64)} is repeated`);
    seen.add(name);
  }
  return form;
}

/** Basic credentials are form-encoded first (RFC 6749 §2.3.1); a broken escape is malformed. */
function formDecoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new OAuthError('invalid_request', 'Basic credentials are not validly percent-encoded');
  }
}

function clientCredentialsOf(req: IncomingMessage, form: URLSearchParams) {
  const basic = /^basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i > 0) {
      return {
        clientId: formDecoded(decoded.slice(0, i)),
        secret: formDecoded(decoded.slice(i + 1)),
      };
    }
  }
  return {
    clientId: form.get('client_id') ?? undefined,
    secret: form.get('client_secret') ?? undefined,
  };
}
