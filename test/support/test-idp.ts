import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { demoPsus } from '../../src/subgraphs/consent/db/seed.ts';

/** The client id the test identity provider's tokens carry, and the client app it maps to. */
export const testIdpClientId = 'ledgergraph-test-psu-app';

/**
 * TEST ONLY: the operator's customer identity provider, as Ledgergraph meets one in
 * production (docs/DECISIONS.md, "Tokens"): an issuer in TRUSTED_ISSUERS trusted with
 * `psus`, whose tokens name one of our PSU ids in `sub`. Ledgergraph's own authorization
 * server issues no token acting as a PSU, so the tests of the PSU's GraphQL operations
 * (connectBank, myConsents, revokeConsent as the PSU...) get theirs here. Its JWKS is served
 * over real loopback HTTP; the gateway fetches and verifies it as any trusted issuer's.
 */
export async function startTestIdp() {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `test-idp-${randomUUID().slice(0, 8)}`;
  const jwks = JSON.stringify({
    keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }],
  });
  const server = createServer((req, res) => {
    const found = req.url === '/jwks';
    res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
    res.end(found ? jwks : '{"error":"not found"}');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    issuer,
    /** Its TRUSTED_ISSUERS entry: PSU subjects, and only the PSU's own scope. */
    trustedIssuer: {
      issuer,
      jwksUrl: `${issuer}/jwks`,
      clients: { [testIdpClientId]: testIdpClientId },
      maxScopes: ['consents:authorise'],
      psus: true,
    },
    /** A token acting as this demo PSU (by username), as the operator's app would hold. */
    async psuToken(username = 'alice', audience = 'ledgergraph'): Promise<string> {
      const psu = demoPsus.find((p) => p.username === username);
      if (!psu) throw new Error(`${username} is not a demo PSU`);
      return new SignJWT({
        client_id: testIdpClientId,
        scope: 'consents:authorise',
        jti: randomUUID(),
      })
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
        .setIssuer(issuer)
        .setSubject(psu.id)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
    },
    stop: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
export type TestIdp = Awaited<ReturnType<typeof startTestIdp>>;
