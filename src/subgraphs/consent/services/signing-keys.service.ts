import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Clock } from '../../../shared/clock.ts';
import type { ConsentDb } from '../db/client.ts';

export type SigningAlg = 'ES256' | 'PS256';
type SigningKey = Awaited<ReturnType<typeof importJWK>>;

export interface ActiveKey {
  kid: string;
  alg: SigningAlg;
  key: SigningKey;
}

/** Kept after rotation so tokens signed just before it stay verifiable until they expire. */
const rotationGraceSeconds = 60;

/**
 * Token signing keys, stored in the consent database so every replica signs with the same
 * key and publishes the same JWKS. Rotation makes a new key current and keeps the previous
 * one in the JWKS until every token it signed has expired.
 */
export class SigningKeyService {
  private active: ActiveKey | undefined;

  constructor(
    private readonly db: ConsentDb,
    private readonly clock: Clock,
    private readonly alg: SigningAlg,
    private readonly tokenTtlSeconds: number,
  ) {}

  /** The key new tokens are signed with; generated on first use of an empty store. */
  async current(): Promise<ActiveKey> {
    if (this.active) return this.active;
    const row =
      (await this.db.signingKey.findFirst({
        where: { retiredAt: null },
        orderBy: { createdAt: 'desc' },
      })) ?? (await this.create());
    this.active = {
      kid: row.kid,
      alg: row.alg as SigningAlg,
      key: await importJWK(JSON.parse(row.privateJwk) as JWK, row.alg),
    };
    return this.active;
  }

  async rotate(): Promise<string> {
    const now = this.clock.now();
    const retireAfter = new Date(
      now.getTime() + (this.tokenTtlSeconds + rotationGraceSeconds) * 1000,
    );
    const fresh = await this.create();
    await this.db.signingKey.updateMany({
      where: { retiredAt: null, kid: { not: fresh.kid } },
      data: { retiredAt: now, retireAfter },
    });
    this.active = undefined;
    return fresh.kid;
  }

  /** Public keys of the current key and of retired keys whose tokens may still be live. */
  async jwks(): Promise<{ keys: JWK[] }> {
    const now = this.clock.now();
    const rows = await this.db.signingKey.findMany({
      where: { OR: [{ retireAfter: null }, { retireAfter: { gt: now } }] },
      orderBy: { createdAt: 'desc' },
    });
    return { keys: rows.map((r) => JSON.parse(r.publicJwk) as JWK) };
  }

  /** Drops keys no token can depend on any more. */
  async prune(): Promise<number> {
    const { count } = await this.db.signingKey.deleteMany({
      where: { retireAfter: { lte: this.clock.now() } },
    });
    return count;
  }

  private async create() {
    const { publicKey, privateKey } = await generateKeyPair(this.alg, {
      extractable: true,
      ...(this.alg === 'PS256' ? { modulusLength: 2048 } : {}),
    });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const pub = { ...publicJwk, kid, alg: this.alg, use: 'sig' };
    const priv = { ...(await exportJWK(privateKey)), kid, alg: this.alg };
    return this.db.signingKey.create({
      data: {
        kid,
        alg: this.alg,
        publicJwk: JSON.stringify(pub),
        privateJwk: JSON.stringify(priv),
        createdAt: this.clock.now(),
      },
    });
  }
}
