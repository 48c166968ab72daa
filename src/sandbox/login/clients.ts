import type { JsonWebKey } from 'node:crypto';
import { header, isRecord, parseJsonBody, type ApiRequest, type Reply } from '../http.js';
import type { BankState, StateStore } from '../state.js';

/** A TPP as the bank knows it: the keys its request objects are signed with, its redirects. */
export interface RegisteredClient {
  clientId: string;
  /** Public JWKs by kid. */
  keys: Record<string, JsonWebKey>;
  redirectUris: string[];
}

/**
 * The bank's TPP registry, filled by a simplified dynamic client registration
 * (POST /register, client_secret_basic). Registering again adds keys and redirect URIs,
 * so several services of one TPP (accounts, payments) each register their own.
 */
export class ClientRegistry {
  private readonly store: StateStore<RegisteredClient>;

  constructor(state: BankState) {
    this.store = state.store('tpp-client');
  }

  find(clientId: string): RegisteredClient | undefined {
    return this.store.get(clientId);
  }

  register(clientId: string, keys: JsonWebKey[], redirectUris: string[]): RegisteredClient {
    const known = this.store.get(clientId) ?? { clientId, keys: {}, redirectUris: [] };
    for (const key of keys) if (typeof key.kid === 'string') known.keys[key.kid] = key;
    known.redirectUris = [...new Set([...known.redirectUris, ...redirectUris])];
    this.store.set(clientId, known);
    return known;
  }
}

const registrationError = (description: string): Reply => ({
  status: 400,
  headers: { 'Cache-Control': 'no-store' },
  body: { error: 'invalid_client_metadata', error_description: description },
});

/** POST /register {jwks: {keys}, redirect_uris}: the client authenticates with HTTP Basic. */
export function registerEndpoint(clients: ClientRegistry): (req: ApiRequest) => Reply {
  return (req) => {
    const basic = /^basic\s+(\S+)$/i.exec(header(req, 'authorization') ?? '');
    const [clientId, secret] = basic?.[1]
      ? Buffer.from(basic[1], 'base64').toString('utf8').split(':')
      : [];
    if (!clientId || !secret) {
      return {
        status: 401,
        headers: { 'WWW-Authenticate': 'Basic realm="register"' },
        body: { error: 'invalid_client', error_description: 'client credentials are required' },
      };
    }
    const parsed = parseJsonBody(req);
    if (!parsed.ok) return registrationError(parsed.message);
    const body = parsed.value;
    const jwks = isRecord(body) && isRecord(body.jwks) ? body.jwks.keys : undefined;
    const redirects = isRecord(body) ? body.redirect_uris : undefined;
    if (!Array.isArray(jwks) || !jwks.every((k) => isRecord(k) && k.kty === 'RSA' && k.kid)) {
      return registrationError('jwks.keys must be RSA public keys with a kid');
    }
    if (jwks.some((k) => isRecord(k) && k.d !== undefined)) {
      return registrationError('jwks must hold public keys only');
    }
    if (!Array.isArray(redirects) || !redirects.every(isHttpUrl)) {
      return registrationError('redirect_uris must be http(s) URLs');
    }
    const client = clients.register(clientId, jwks as JsonWebKey[], redirects as string[]);
    return {
      status: 201,
      headers: { 'Cache-Control': 'no-store' },
      body: { client_id: client.clientId, redirect_uris: client.redirectUris },
    };
  };
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hash === '';
  } catch {
    return false;
  }
}
