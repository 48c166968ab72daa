import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  type RateLimiterAbstract,
  type RateLimiterRes,
} from 'rate-limiter-flexible';
import { credentialFailures, credentialLockouts, credentialThrottled } from '../metrics/index.ts';
import { addressKey } from './client-address.ts';

/** What is being guessed: a PSU's password, or a client app's secret. */
export type CredentialKind = 'psu_password' | 'client_secret';

export interface CredentialLimits {
  /** Consecutive failures for one identity from one address before it is locked out. */
  maxFailures: number;
  /** How long a lockout lasts; also the cap of the growing delays. */
  lockoutSeconds: number;
  /** Failures from one address in a day, whatever the identity (spraying many users). */
  maxFailuresPerAddress: number;
  /** Failures against one identity in a day, whatever the address (a botnet on one user). */
  maxFailuresPerIdentity: number;
}

/** The defaults of SIGNIN_* (src/shared/config), for a throttle built without config. */
export const defaultCredentialLimits: CredentialLimits = {
  maxFailures: 10,
  lockoutSeconds: 900,
  maxFailuresPerAddress: 100,
  maxFailuresPerIdentity: 50,
};

/** Failures answered at once; each further one makes the next attempt wait longer. */
export const freeFailures = 3;
const day = 86_400;

/** 1, 2, 4, 8… seconds after the free failures, never more than a lockout. */
export const delaySeconds = (failures: number, lockoutSeconds: number) =>
  Math.min(2 ** (failures - freeFailures - 1), lockoutSeconds);

/** Which counter a lockout came from. */
export type LockScope = 'identity-address' | 'identity' | 'address';

export interface Lockout {
  scope: LockScope;
  seconds: number;
  /** Failures counted in that scope when it locked. */
  failures: number;
}

/** Refused without checking the credential: wait `retryAfterSeconds`. */
export class CredentialThrottled extends Error {
  override name = 'CredentialThrottled';
  constructor(
    readonly kind: CredentialKind,
    readonly retryAfterSeconds: number,
    /** A lockout rather than one of the short growing delays. */
    readonly lockedOut: boolean,
  ) {
    super(
      lockedOut
        ? `Too many failed attempts: locked, retry after ${retryAfterSeconds} s`
        : `Too many failed attempts: retry after ${retryAfterSeconds} s`,
    );
  }
}

/** One credential check in progress, counted as a failure until it is known to be right. */
export interface CredentialAttempt {
  /** The credential was right: this identity's counters start again. */
  succeeded(): Promise<void>;
  /** It was wrong: may start a delay and lockouts, returned so the caller can audit them. */
  failed(): Promise<Lockout[]>;
  /** It was never checked (e.g. the client may not use this grant): not counted. */
  abandoned(): Promise<void>;
}

export interface CredentialThrottleOptions extends CredentialLimits {
  kind: CredentialKind;
  /** Shares counters and lockouts between replicas; without it, per process. */
  redis?: Redis;
  /** Redis key prefix, one per installation sharing a Redis. */
  keyPrefix?: string;
}

/** Wait values: a growing delay, or a lockout. */
const delayed = 1;
const locked = 2;

/** Keys hold hashes, not usernames or client ids: Redis is no place for account data. */
const identityKey = (identity: string) =>
  createHash('sha256').update(identity).digest('base64url').slice(0, 22);

/** Alive: RateLimiterMemory can hand back an expired record until its timer fires. */
const live = (r: RateLimiterRes | null): r is RateLimiterRes => !!r && r.msBeforeNext > 0;

/**
 * Throttles guessing of one kind of credential, after rate-limiter-flexible's "login
 * endpoint protection": consecutive failures per identity and address, failures per
 * address and per identity per day. Every attempt is counted as a failure before it is
 * checked, so concurrent guesses cannot slip past a limit between the check and the count;
 * a right credential takes its count back. After `freeFailures`, each failure makes the
 * next attempt from that address wait longer; at `maxFailures`, or at a daily limit, the
 * identity or address is locked out, and after the lockout one more failure locks it again.
 * Delays and lockouts are refusals to answer with Retry-After, never sleeps holding a
 * connection. Time is the store's: Date.now in memory, Redis's own clock in Redis.
 */
export class CredentialThrottle {
  readonly kind: CredentialKind;
  readonly limits: CredentialLimits;
  private readonly pairs: RateLimiterAbstract;
  private readonly identities: RateLimiterAbstract;
  private readonly addresses: RateLimiterAbstract;
  private readonly waits: RateLimiterAbstract;

  constructor(o: CredentialThrottleOptions) {
    this.kind = o.kind;
    this.limits = {
      maxFailures: o.maxFailures,
      lockoutSeconds: o.lockoutSeconds,
      maxFailuresPerAddress: o.maxFailuresPerAddress,
      maxFailuresPerIdentity: o.maxFailuresPerIdentity,
    };
    const prefix = `${o.keyPrefix ?? 'ledgergraph'}:signin:${o.kind}`;
    const limiter = (name: string, points: number) => {
      const options = { keyPrefix: `${prefix}:${name}`, points, duration: day };
      return o.redis
        ? new RateLimiterRedis({
            ...options,
            storeClient: o.redis,
            rejectIfRedisNotReady: true,
            // Redis down: each replica still throttles on its own rather than not at all.
            insuranceLimiter: new RateLimiterMemory(options),
          })
        : new RateLimiterMemory(options);
    };
    this.pairs = limiter('pair', o.maxFailures);
    this.identities = limiter('identity', o.maxFailuresPerIdentity);
    this.addresses = limiter('address', o.maxFailuresPerAddress);
    this.waits = limiter('wait', 1);
  }

  /**
   * Starts a check of `identity`'s credential from `address`, or throws CredentialThrottled
   * while a delay or lockout is in force (the credential must then not be checked at all).
   */
  async begin(identity: string, address: string): Promise<CredentialAttempt> {
    const id = identityKey(identity);
    const addr = addressKey(address);
    const pair = `${id}|${addr}`;
    const waits = (
      await Promise.all([
        this.waits.get(`p|${pair}`),
        this.waits.get(`i|${id}`),
        this.waits.get(`a|${addr}`),
      ])
    ).filter(live);
    if (waits.length) {
      const longest = waits.reduce((a, b) => (b.msBeforeNext > a.msBeforeNext ? b : a));
      throw this.throttled(
        Math.ceil(longest.msBeforeNext / 1000),
        waits.some((w) => w.consumedPoints >= locked),
      );
    }
    const [p, i, a] = await Promise.all([
      this.pairs.penalty(pair),
      this.identities.penalty(id),
      this.addresses.penalty(addr),
    ]);
    const undo = () =>
      Promise.all([
        this.pairs.reward(pair),
        this.identities.reward(id),
        this.addresses.reward(addr),
      ]);
    const l = this.limits;
    if (
      p.consumedPoints > l.maxFailures ||
      i.consumedPoints > l.maxFailuresPerIdentity ||
      a.consumedPoints > l.maxFailuresPerAddress
    ) {
      // Concurrent attempts past a limit: the ones already counted decide.
      await undo();
      throw this.throttled(1, true);
    }
    let settled = false;
    const once = () => {
      if (settled) throw new Error('credential attempt settled twice');
      settled = true;
    };
    return {
      succeeded: async () => {
        once();
        await Promise.all([
          this.pairs.delete(pair),
          this.identities.delete(id),
          this.addresses.reward(addr),
        ]);
      },
      abandoned: async () => {
        once();
        await undo();
      },
      failed: async () => {
        once();
        credentialFailures.inc({ kind: this.kind });
        const lockouts: Lockout[] = [];
        const n = p.consumedPoints;
        if (n >= l.maxFailures) {
          lockouts.push({ scope: 'identity-address', seconds: l.lockoutSeconds, failures: n });
          await Promise.all([
            this.waits.set(`p|${pair}`, locked, l.lockoutSeconds),
            // After the lockout, one more failure locks again.
            this.pairs.set(pair, l.maxFailures - 1, day),
          ]);
        } else if (n > freeFailures) {
          await this.waits.set(`p|${pair}`, delayed, delaySeconds(n, l.lockoutSeconds));
        }
        if (i.consumedPoints >= l.maxFailuresPerIdentity) {
          lockouts.push({
            scope: 'identity',
            seconds: l.lockoutSeconds,
            failures: i.consumedPoints,
          });
          await Promise.all([
            this.waits.set(`i|${id}`, locked, l.lockoutSeconds),
            this.identities.set(id, l.maxFailuresPerIdentity - 1, day),
          ]);
        }
        if (a.consumedPoints >= l.maxFailuresPerAddress) {
          // Until the day's count starts again, and at least a lockout.
          const seconds = Math.max(l.lockoutSeconds, Math.ceil(a.msBeforeNext / 1000));
          lockouts.push({ scope: 'address', seconds, failures: a.consumedPoints });
          await this.waits.set(`a|${addr}`, locked, seconds);
        }
        if (lockouts.length) credentialLockouts.inc({ kind: this.kind }, lockouts.length);
        return lockouts;
      },
    };
  }

  private throttled(retryAfterSeconds: number, lockedOut: boolean) {
    credentialThrottled.inc({ kind: this.kind });
    return new CredentialThrottled(this.kind, Math.max(1, retryAfterSeconds), lockedOut);
  }
}
