import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError, ErrorCode, forbidden, rateLimited } from '../../shared/errors/index.ts';
import { addressKey } from '../../shared/throttle/index.ts';

/**
 * What stands between the sandbox token and anyone who can make a browser send a POST:
 * same-origin requests only (Origin and Sec-Fetch-Site), a CSRF token the page carries
 * (double submit: an HttpOnly SameSite=Strict cookie and the same value in a header that
 * only the page's own script can know, since it is embedded in the page), and a small rate
 * per address.
 */
export const csrfCookie = 'lg_playground_csrf';
export const csrfHeader = 'x-csrf-token';
const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

/** Sandbox flows per address per minute: enough for a person, useless for harvesting. */
export const sandboxTokensPerMinute = 5;

function cookieOf(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, value] = part.trim().split('=');
    if (name === csrfCookie && value && tokenPattern.test(value)) return value;
  }
  return undefined;
}

/**
 * The page's CSRF token: the one the browser already holds (so several tabs agree), or a
 * new one set as a cookie on `res`. Not `Secure`: the sandbox runs over plain HTTP on a
 * loopback address by default; HttpOnly and SameSite=Strict keep it from other sites.
 */
export function issueCsrfToken(req: IncomingMessage, res: ServerResponse, path: string): string {
  const held = cookieOf(req);
  if (held) return held;
  const token = randomBytes(32).toString('base64url');
  res.setHeader(
    'set-cookie',
    `${csrfCookie}=${token}; Path=${path}; HttpOnly; SameSite=Strict; Max-Age=86400`,
  );
  return token;
}

const crossSite = (why: string) =>
  new AppError(ErrorCode.FORBIDDEN, `Sandbox tokens are for the playground page only: ${why}`, {
    reason: 'cross_site',
  });

/** Throws FORBIDDEN unless the request comes from this origin's page with its CSRF token. */
export function assertSameOriginWithToken(req: IncomingMessage): void {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') throw crossSite(`Sec-Fetch-Site is ${site}`);
  const origin = req.headers.origin;
  let originHost: string | undefined;
  try {
    originHost = origin ? new URL(origin).host : undefined;
  } catch {
    originHost = undefined;
  }
  if (!originHost || originHost !== req.headers.host) throw crossSite('Origin is not this origin');
  const cookie = cookieOf(req);
  const sent = req.headers[csrfHeader];
  if (
    !cookie ||
    typeof sent !== 'string' ||
    sent.length !== cookie.length ||
    !timingSafeEqual(Buffer.from(sent), Buffer.from(cookie))
  ) {
    throw forbidden('Missing or wrong CSRF token: load the playground page again');
  }
}

/**
 * Per address, in this process: each gateway replica allows its own few, which is still
 * few. Takes one or throws RATE_LIMITED with Retry-After.
 */
export function sandboxRateLimit(perMinute = sandboxTokensPerMinute) {
  const limiter = new RateLimiterMemory({ points: perMinute, duration: 60 });
  return async (req: IncomingMessage): Promise<void> => {
    try {
      await limiter.consume(addressKey(req.socket.remoteAddress ?? 'unknown'));
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      const seconds = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      throw rateLimited(
        `Too many sandbox tokens from this address; retry after ${seconds} s`,
        seconds,
      );
    }
  };
}
