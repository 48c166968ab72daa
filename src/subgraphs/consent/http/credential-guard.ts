import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { recordSecurityEvent, type AuditSink } from '../../../shared/audit/index.ts';
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { ErrorCode } from '../../../shared/errors/index.ts';
import { silentLogger, type Logger } from '../../../shared/log/index.ts';
import {
  CredentialThrottle,
  defaultCredentialLimits,
  type CredentialLimits,
  type Lockout,
} from '../../../shared/throttle/index.ts';
import type { Redis } from 'ioredis';
import { OAuthError } from '../services/token.service.ts';

/** One throttle per kind of credential: PSU passwords (hosted sign-in), client secrets. */
export interface CredentialThrottles {
  psu: CredentialThrottle;
  client: CredentialThrottle;
}

export function credentialThrottles(
  limits: CredentialLimits = defaultCredentialLimits,
  shared?: { redis: Redis; keyPrefix?: string },
): CredentialThrottles {
  return {
    psu: new CredentialThrottle({ kind: 'psu_password', ...limits, ...shared }),
    client: new CredentialThrottle({ kind: 'client_secret', ...limits, ...shared }),
  };
}

/** The gateway forwards x-fapi-interaction-id; a lockout's audit record carries it. */
export function requestIdOf(req: IncomingMessage): string {
  const id = req.headers['x-fapi-interaction-id'];
  return typeof id === 'string' && /^[\w.:-]{1,100}$/.test(id) ? id : randomUUID();
}

export interface GuardContext {
  address: string;
  requestId: string;
}

export interface CredentialGuardOptions {
  /** Where lockouts are recorded; unset only where auditing is off. */
  audit?: AuditSink;
  log?: Logger;
  clock?: Clock;
}

/**
 * Runs a credential check under its throttle: refused unchecked (CredentialThrottled)
 * while a delay or lockout is in force; a refusal of the credential itself counts as a
 * failure; every lockout it starts is logged, audited and counted (the throttle counts).
 */
export function credentialGuard(o: CredentialGuardOptions) {
  const log = o.log ?? silentLogger;
  const clock = o.clock ?? systemClock;

  async function report(
    throttle: CredentialThrottle,
    subject: string | undefined,
    identity: string,
    ctx: GuardContext,
    lockout: Lockout,
  ) {
    const psu = throttle.kind === 'psu_password';
    // An unknown name is logged by hash: it may be a password typed in the wrong field.
    const who =
      subject ?? `unknown:${createHash('sha256').update(identity).digest('hex').slice(0, 16)}`;
    const details = {
      kind: throttle.kind,
      identity: who,
      address: ctx.address,
      scope: lockout.scope,
      failures: lockout.failures,
      lockedSeconds: lockout.seconds,
    };
    log.warn('credential lockout', { ...details, requestId: ctx.requestId });
    if (!o.audit) return;
    try {
      await recordSecurityEvent(o.audit, {
        at: clock.now(),
        service: 'consent',
        requestId: ctx.requestId,
        event: 'Security.credentialLockout',
        principalKind: subject ? (psu ? 'psu' : 'client') : 'anonymous',
        principalId: subject ?? null,
        clientId: !psu && subject ? subject : null,
        psuId: psu && subject ? subject : null,
        details,
        outcome: 'denied',
        errorCode: ErrorCode.RATE_LIMITED,
      });
    } catch (error) {
      // The request is refused whatever happens here; the lockout is in force regardless.
      log.error('audit: credential lockout not recorded', { ...details, error });
    }
  }

  /** `identity`: the username or client id as sent; unset (nothing to guess): not throttled. */
  return async function guarded<T>(
    throttle: CredentialThrottle,
    identity: string | undefined,
    ctx: GuardContext,
    check: () => Promise<T>,
  ): Promise<T> {
    if (!identity) return check();
    const attempt = await throttle.begin(identity, ctx.address);
    let result: T;
    try {
      result = await check();
    } catch (e) {
      const refused = throttle.kind === 'psu_password' ? 'invalid_grant' : 'invalid_client';
      if (e instanceof OAuthError && e.error === refused) {
        for (const lockout of await attempt.failed())
          await report(throttle, e.subject, identity, ctx, lockout);
      } else {
        await attempt.abandoned();
      }
      throw e;
    }
    await attempt.succeeded();
    return result;
  };
}
