/** What one authorization request carries besides the client and the bank. */
export interface AuthorisationRequest {
  bankConsentId: string;
  redirectUri: string;
  state: string;
  nonce: string;
  /** base64url SHA-256 of the PKCE verifier (S256). */
  codeChallenge: string;
  /** accounts or payments */
  scope: 'accounts' | 'payments';
  /** Seconds the request object is valid; default 300. */
  lifetimeSeconds?: number;
}

/**
 * OBIE / FAPI 1 Advanced authorization request by value: the parameters that matter are in
 * the signed request object (aud = the bank's issuer, which for the sandbox is its origin);
 * the query repeats client_id, response_type and scope as OAuth requires.
 */
export async function obieAuthorisationUrl(
  bankUrl: URL,
  clientId: string,
  request: AuthorisationRequest,
  sign: (claims: Record<string, unknown>) => Promise<string>,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const scope = `openid ${request.scope}`;
  const jws = await sign({
    iss: clientId,
    aud: bankUrl.origin,
    client_id: clientId,
    response_type: 'code',
    redirect_uri: request.redirectUri,
    scope,
    state: request.state,
    nonce: request.nonce,
    code_challenge: request.codeChallenge,
    code_challenge_method: 'S256',
    iat: now,
    nbf: now,
    exp: now + (request.lifetimeSeconds ?? 300),
    claims: {
      id_token: {
        openbanking_intent_id: { value: request.bankConsentId, essential: true },
        acr: { essential: true, values: ['urn:openbanking:psd2:sca'] },
      },
    },
  });
  const url = new URL('/authorize', bankUrl.origin);
  url.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    scope,
    request: jws,
  }).toString();
  return url.href;
}
