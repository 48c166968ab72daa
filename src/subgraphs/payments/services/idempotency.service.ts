import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../../../shared/clock.ts';
import { conflict } from '../../../shared/errors/index.ts';
import type { PaymentsDb } from '../db/client.ts';

/** OBIE and the IETF draft: a key answers with its first result for 24 hours. */
export const KEY_LIFETIME_MS = 24 * 60 * 60_000;
const PRUNE_EVERY_MS = 10 * 60_000;

export type Operation = 'createPaymentConsent' | 'submitPayment';

type Claim = { kind: 'proceed'; recordId: string } | { kind: 'replay'; resourceId: string };

/**
 * Idempotency keys per client app, held in the payments store: a unique (clientAppId, key)
 * row is claimed before the work starts and completed with the id of what it produced.
 * The unique constraint is the lock, so concurrent requests and replicas agree.
 *
 * - same key, same input, completed → the same resource, no new work
 * - same key, other input (or other operation) → CONFLICT, nothing touched
 * - same key while the first request runs → CONFLICT, safe to retry
 * - the work failed before any lasting effect → the key is released and may be retried
 */
export class IdempotencyService {
  private lastPrune = 0;

  constructor(
    private readonly db: PaymentsDb,
    private readonly clock: Clock,
    /** How long a claim may run before another request may take it over (holder died). */
    private readonly leaseMs: number,
  ) {}

  async run<T>(
    request: { clientAppId: string; key: string; operation: Operation; input: unknown },
    work: () => Promise<{ resourceId: string; result: T }>,
    replay: (resourceId: string) => Promise<T>,
  ): Promise<T> {
    const fingerprint = fingerprintOf(request.operation, request.input);
    const claim = await this.claim(
      request.clientAppId,
      request.key,
      request.operation,
      fingerprint,
    );
    if (claim.kind === 'replay') return replay(claim.resourceId);
    let done: { resourceId: string; result: T };
    try {
      done = await work();
    } catch (error) {
      await this.db.idempotencyRecord.updateMany({
        where: { id: claim.recordId, state: 'claimed' },
        data: { state: 'released', lockedUntil: null },
      });
      throw error;
    }
    await this.db.idempotencyRecord.update({
      where: { id: claim.recordId },
      data: {
        state: 'completed',
        resourceId: done.resourceId,
        completedAt: this.clock.now(),
        lockedUntil: null,
      },
    });
    return done.result;
  }

  /** Keys older than 24 h answer nothing any more; their rows can go. */
  async prune(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - KEY_LIFETIME_MS);
    const { count } = await this.db.idempotencyRecord.deleteMany({
      where: { createdAt: { lte: before } },
    });
    return count;
  }

  private async claim(
    clientAppId: string,
    key: string,
    operation: Operation,
    fingerprint: string,
  ): Promise<Claim> {
    const now = this.clock.now();
    if (now.getTime() - this.lastPrune > PRUNE_EVERY_MS) {
      this.lastPrune = now.getTime();
      await this.prune();
    }
    const lockedUntil = new Date(now.getTime() + this.leaseMs);
    for (let attempt = 0; attempt < 3; attempt++) {
      const id = `idem_${randomUUID()}`;
      try {
        await this.db.idempotencyRecord.create({
          data: {
            id,
            clientAppId,
            key,
            operation,
            fingerprint,
            state: 'claimed',
            lockedUntil,
            createdAt: now,
          },
        });
        return { kind: 'proceed', recordId: id };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
      const existing = await this.db.idempotencyRecord.findUnique({
        where: { clientAppId_key: { clientAppId, key } },
      });
      if (!existing) continue;
      if (now.getTime() - existing.createdAt.getTime() >= KEY_LIFETIME_MS) {
        await this.db.idempotencyRecord.deleteMany({
          where: { id: existing.id, createdAt: existing.createdAt },
        });
        continue;
      }
      if (existing.operation !== operation || existing.fingerprint !== fingerprint) {
        throw conflict(
          'This idempotency key was already used with a different request; use a new key',
          { reason: 'idempotency_key_reused' },
        );
      }
      if (existing.state === 'completed' && existing.resourceId) {
        return { kind: 'replay', resourceId: existing.resourceId };
      }
      const holderAlive =
        existing.state === 'claimed' &&
        existing.lockedUntil !== null &&
        existing.lockedUntil.getTime() > now.getTime();
      if (!holderAlive) {
        // Released after a failure, or its holder died: take it over unless another request
        // just did (compare-and-set on the state we read).
        const taken = await this.db.idempotencyRecord.updateMany({
          where: { id: existing.id, state: existing.state, lockedUntil: existing.lockedUntil },
          data: { state: 'claimed', lockedUntil },
        });
        if (taken.count === 1) return { kind: 'proceed', recordId: existing.id };
      }
      throw conflict(
        'A request with this idempotency key is still being processed; retry shortly',
        { reason: 'idempotency_key_in_use' },
      );
    }
    throw conflict('This idempotency key is contended; retry shortly', {
      reason: 'idempotency_key_in_use',
    });
  }
}

export function fingerprintOf(operation: Operation, input: unknown): string {
  return createHash('sha256')
    .update(`${operation}\n${canonicalJson(input)}`)
    .digest('hex');
}

/** Same structure, same text: keys sorted, undefined dropped, so key order never matters. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    (error as { code: unknown }).code === 'P2002'
  );
}
