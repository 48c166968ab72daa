import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Clock } from '../../../shared/clock.ts';
import type { ConsentDb } from '../db/client.ts';

export type SigningAlg = 'ES256' | 'PS256';
type PrivateKey = Awaited<ReturnType<typeof importJWK>>;

export interface ActiveKey {
  kid: string;
  alg: SigningAlg;
  key: PrivateKey;
}

export interface SigningKeyOptions {
  alg: SigningAlg;
  tokenTtlSeconds: number;
  /** How long a new key is published before it signs; longer than verifiers' JWKS refresh. */
  rotationLeadSeconds: number;
}

/** Slack for clock skew between issuer and verifiers. */
const graceSeconds = 60;

/**
 * Token signing keys, stored in the consent database so every replica signs with the same
 * key and publishes the same JWKS. Rotation pre-publishes the next key, switches signing to
 * it after the lead time, and keeps the previous key in the JWKS until every token it
 * signed has expired.
 */
export class SigningKeyService {
  private readonly imported = new Map<string, PrivateKey>();

  constructor(
    private readonly db: ConsentDb,
    private readonly clock: Clock,
    private readonly options: SigningKeyOptions,
    /** Told once a rotation is stored (gateways refetch the JWKS); never throws. */
    private readonly onRotated?: () => Promise<void> | void,
  ) {}

  /**
   * The key new tokens are signed with: the latest one already active. A key is generated
   * only for an empty store; a clock behind every activation falls back to the oldest key.
   */
  async current(): Promise<ActiveKey> {
    const row = await this.currentRow();
    let key = this.imported.get(row.kid);
    if (!key) {
      key = await importJWK(JSON.parse(row.privateJwk) as JWK, row.alg);
      this.imported.set(row.kid, key);
    }
    return { kid: row.kid, alg: row.alg as SigningAlg, key };
  }

  /**
   * The current key as a private JWK, for the authorization server's own keystore (it
   * signs nothing we issue: access tokens come from `current()`, read per token).
   */
  async currentPrivateJwk(): Promise<JWK> {
    return JSON.parse((await this.currentRow()).privateJwk) as JWK;
  }

  private async currentRow() {
    return (
      (await this.db.signingKey.findFirst({
        where: { activatesAt: { lte: this.clock.now() } },
        orderBy: { activatesAt: 'desc' },
      })) ??
      (await this.db.signingKey.findFirst({ orderBy: { activatesAt: 'asc' } })) ??
      (await this.create(this.clock.now()))
    );
  }

  /** Returns the new key's id and when it starts signing. */
  async rotate(): Promise<{ kid: string; activatesAt: Date }> {
    const activatesAt = new Date(
      this.clock.now().getTime() + this.options.rotationLeadSeconds * 1000,
    );
    const retireAfter = new Date(
      activatesAt.getTime() + (this.options.tokenTtlSeconds + graceSeconds) * 1000,
    );
    const fresh = await this.create(activatesAt);
    await this.db.signingKey.updateMany({
      where: { retireAfter: null, kid: { not: fresh.kid } },
      data: { retireAfter },
    });
    await this.onRotated?.();
    return { kid: fresh.kid, activatesAt };
  }

  /** Public keys: the next key, the current one, and retired ones whose tokens may live. */
  async jwks(): Promise<{ keys: JWK[] }> {
    const rows = await this.db.signingKey.findMany({
      where: { OR: [{ retireAfter: null }, { retireAfter: { gt: this.clock.now() } }] },
      orderBy: { activatesAt: 'desc' },
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

  private async create(activatesAt: Date) {
    const alg = this.options.alg;
    const { publicKey, privateKey } = await generateKeyPair(alg, {
      extractable: true,
      ...(alg === 'PS256' ? { modulusLength: 2048 } : {}),
    });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    return this.db.signingKey.create({
      data: {
        kid,
        alg,
        publicJwk: JSON.stringify({ ...publicJwk, kid, alg, use: 'sig' }),
        privateJwk: JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg }),
        createdAt: this.clock.now(),
        activatesAt,
      },
    });
  }
}
