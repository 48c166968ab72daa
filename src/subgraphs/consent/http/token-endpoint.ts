import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../../../shared/http/graphql-handler.ts';
import { AppError } from '../../../shared/errors/index.ts';
import { OAuthError, consentGrantType, type TokenService } from '../services/token.service.ts';

const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' };

/**
 * OAuth 2.0 token endpoint (RFC 6749): form-encoded body, client authentication by HTTP
 * Basic (client_secret_basic) or body parameters (client_secret_post).
 */
export function tokenEndpoint(tokens: TokenService) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
      if (type !== 'application/x-www-form-urlencoded') {
        throw new OAuthError('invalid_request', 'Use application/x-www-form-urlencoded');
      }
      const form = new URLSearchParams(await readBody(req, 16_384));
      const { clientId, secret } = clientCredentialsOf(req, form);
      const app = await tokens.authenticateClient(clientId, secret);
      const grant = form.get('grant_type');
      const issued =
        grant === 'client_credentials'
          ? await tokens.clientCredentials(app.id, form.get('scope') ?? undefined)
          : grant === consentGrantType
            ? await tokens.consent(app.id, form.get('consent_id') ?? undefined)
            : grant === 'password'
              ? await tokens.psuPassword(
                  app.id,
                  form.get('username') ?? undefined,
                  form.get('password') ?? undefined,
                )
              : unsupported(grant);
      sendJson(res, 200, issued, noStore);
    } catch (e) {
      if (e instanceof OAuthError) {
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

function clientCredentialsOf(req: IncomingMessage, form: URLSearchParams) {
  const basic = /^basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i > 0) {
      return {
        clientId: decodeURIComponent(decoded.slice(0, i)),
        secret: decodeURIComponent(decoded.slice(i + 1)),
      };
    }
  }
  return {
    clientId: form.get('client_id') ?? undefined,
    secret: form.get('client_secret') ?? undefined,
  };
}
