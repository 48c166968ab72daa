import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, SignJWT, type JWK } from 'jose';

/**
 * Ledgergraph's key for signing authorization request objects (PS256). Made at start and
 * never written down: the public half is registered at each sandbox bank before a PSU is
 * sent there, so a restart just registers the new key. (A real bank reads the TPP's keys
 * from its directory entry; wiring a directory-registered key in is not done.)
 */
export class TppSigningKey {
  private constructor(
    private readonly privateKey: KeyObject,
    readonly publicJwk: JWK,
  ) {}

  static async generate(): Promise<TppSigningKey> {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(jwk);
    return new TppSigningKey(privateKey, { ...jwk, kid, alg: 'PS256', use: 'sig' });
  }

  get jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  sign(claims: Record<string, unknown>): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'PS256', kid: this.publicJwk.kid, typ: 'oauth-authz-req+jwt' })
      .sign(this.privateKey);
  }
}
