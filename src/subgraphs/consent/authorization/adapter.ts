import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Clock } from '../../../shared/clock.ts';
import type { ConsentDb } from '../db/client.ts';

/**
 * oidc-provider's storage in the consent store (SQLite or PostgreSQL): sessions,
 * interactions, pushed requests, codes, grants and refresh tokens outlive a restart and are
 * seen by every replica. Expired rows read as absent; every `pruneEvery` writes of this
 * process delete them (`pruneExpired`), so the table does not grow without a scheduler.
 */
export function prismaAdapter(db: ConsentDb, clock: Clock, pruneEvery = 500) {
  let writes = 0;
  return class PrismaAdapter implements Adapter {
    constructor(readonly model: string) {}

    private key(id: string) {
      return `${this.model}:${id}`;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const data = {
        payload: JSON.stringify(payload),
        grantId: payload.grantId ?? null,
        uid: payload.uid ?? null,
        userCode: payload.userCode ?? null,
        expiresAt: expiresIn ? new Date(clock.now().getTime() + expiresIn * 1000) : null,
      };
      await db.oidcPayload.upsert({
        where: { key: this.key(id) },
        create: { key: this.key(id), model: this.model, id, ...data },
        update: data,
      });
      // Expired rows read as absent already; every so many writes, one replica clears them.
      if (++writes % pruneEvery === 0) await pruneExpired(db, clock);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      return this.read(await db.oidcPayload.findUnique({ where: { key: this.key(id) } }));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.read(await db.oidcPayload.findFirst({ where: { model: this.model, uid } }));
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.read(await db.oidcPayload.findFirst({ where: { model: this.model, userCode } }));
    }

    /**
     * Marks a code or refresh token used. Compare-and-set on `consumedAt`, so of two
     * replicas redeeming the same code at once only one sees it unused afterwards.
     */
    async consume(id: string): Promise<void> {
      await db.oidcPayload.updateMany({
        where: { key: this.key(id), consumedAt: null },
        data: { consumedAt: clock.now() },
      });
    }

    async destroy(id: string): Promise<void> {
      await db.oidcPayload.deleteMany({ where: { key: this.key(id) } });
    }

    /** Every token of a grant, of every model: a reused refresh token ends the whole family. */
    async revokeByGrantId(grantId: string): Promise<void> {
      await db.oidcPayload.deleteMany({ where: { grantId } });
      await db.oidcPayload.deleteMany({ where: { key: `Grant:${grantId}` } });
    }

    private read(
      row: { payload: string; expiresAt: Date | null; consumedAt: Date | null } | null,
    ): AdapterPayload | undefined {
      if (!row || (row.expiresAt && row.expiresAt <= clock.now())) return undefined;
      const payload = JSON.parse(row.payload) as AdapterPayload;
      if (row.consumedAt) payload.consumed = Math.floor(row.consumedAt.getTime() / 1000);
      return payload;
    }
  };
}

/** Drops what no replica can use any more; returns how many rows went. */
export async function pruneExpired(db: ConsentDb, clock: Clock): Promise<number> {
  const { count } = await db.oidcPayload.deleteMany({ where: { expiresAt: { lte: clock.now() } } });
  return count;
}
