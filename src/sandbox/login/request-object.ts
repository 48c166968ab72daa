import { constants, createPublicKey, verify } from 'node:crypto';
import { isRecord } from '../http.js';
import type { ClientRegistry } from './clients.js';

/** The FAPI request object's claims the bank acts on. */
export interface AuthorisationRequest {
  clientId: string;
  redirectUri: string;
  state: string;
  nonce?: string;
  codeChallenge: string;
  /** openbanking_intent_id: the consent the PSU is asked to approve. */
  intentId: string;
}

export type RequestCheck =
  { ok: true; value: AuthorisationRequest } | { ok: false; reason: string };

const MAX_LIFETIME_S = 60 * 60;

/**
 * Verifies a PS256 request object against the client's registered JWKS, then its claims:
 * iss and client_id are the client, aud is this bank, exp is near, the redirect URI is a
 * registered one, PKCE is S256. The signature is checked before any claim is believed.
 */
export function verifyRequestObject(
  jws: string,
  query: { clientId: string | null; responseType: string | null },
  clients: ClientRegistry,
  issuer: string,
  nowMs: number,
): RequestCheck {
  const parts = jws.split('.');
  if (parts.length !== 3) return fail('request is not a compact JWS');
  const [rawHeader = '', rawPayload = '', rawSignature = ''] = parts;
  const protectedHeader = decode(rawHeader);
  if (!isRecord(protectedHeader)) return fail('request header is not JSON');
  if (protectedHeader.alg !== 'PS256') return fail('request must be signed with PS256');
  const client = query.clientId ? clients.find(query.clientId) : undefined;
  if (!client) return fail('client_id is not registered at this bank');
  const kid = typeof protectedHeader.kid === 'string' ? protectedHeader.kid : '';
  const jwk = client.keys[kid];
  if (!jwk) return fail('request is signed with a key the client has not registered');
  const signed = verify(
    'sha256',
    Buffer.from(`${rawHeader}.${rawPayload}`),
    {
      key: createPublicKey({ key: jwk, format: 'jwk' }),
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    },
    Buffer.from(rawSignature, 'base64url'),
  );
  if (!signed) return fail('request object signature is invalid');
  const claims = decode(rawPayload);
  if (!isRecord(claims)) return fail('request claims are not JSON');
  if (claims.iss !== client.clientId || claims.client_id !== client.clientId) {
    return fail('request iss and client_id must be the client');
  }
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(issuer)) return fail(`request aud must be ${issuer}`);
  const nowS = Math.floor(nowMs / 1000);
  if (typeof claims.exp !== 'number' || claims.exp <= nowS || claims.exp > nowS + MAX_LIFETIME_S) {
    return fail('request exp must be within the next hour');
  }
  if (typeof claims.nbf === 'number' && claims.nbf > nowS + 10)
    return fail('request not yet valid');
  if (claims.response_type !== 'code' || (query.responseType ?? 'code') !== 'code') {
    return fail('response_type must be code');
  }
  const redirectUri = claims.redirect_uri;
  if (typeof redirectUri !== 'string' || !client.redirectUris.includes(redirectUri)) {
    return fail('redirect_uri is not registered for the client');
  }
  if (typeof claims.state !== 'string' || claims.state === '') return fail('state is required');
  if (claims.code_challenge_method !== 'S256' || typeof claims.code_challenge !== 'string') {
    return fail('PKCE with code_challenge_method S256 is required');
  }
  const intent = intentOf(claims.claims);
  if (!intent) return fail('claims.id_token.openbanking_intent_id is required');
  return {
    ok: true,
    value: {
      clientId: client.clientId,
      redirectUri,
      state: claims.state,
      ...(typeof claims.nonce === 'string' ? { nonce: claims.nonce } : {}),
      codeChallenge: claims.code_challenge,
      intentId: intent,
    },
  };
}

function intentOf(claims: unknown): string | undefined {
  if (!isRecord(claims)) return undefined;
  for (const target of [claims.id_token, claims.userinfo]) {
    const intent = isRecord(target) ? target.openbanking_intent_id : undefined;
    if (isRecord(intent) && typeof intent.value === 'string') return intent.value;
  }
  return undefined;
}

function decode(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

const fail = (reason: string): RequestCheck => ({ ok: false, reason });
