import type { IncomingMessage } from 'node:http';
import { signServiceCall, verifyServiceCall } from '../auth/internal-context.ts';
import { upstreamUnavailable } from '../errors/index.ts';

/** How long one service waits for another before the caller's request fails. */
const defaultTimeoutMs = 3_000;

export interface InternalCall {
  /** The other service's origin (and path prefix, if any), e.g. http://127.0.0.1:4102 */
  baseUrl: string;
  path: string;
  /** Binds the bearer to this route, so it cannot be replayed against another. */
  audience: string;
  secret: string;
  body: unknown;
  /** Names the service in the UPSTREAM_UNAVAILABLE a failed call becomes. */
  service: string;
  timeoutMs?: number;
}

/**
 * POSTs JSON to another service's internal route under a short-lived service JWS. Every
 * failure (refused connection, timeout, non-2xx, unreadable answer) is UPSTREAM_UNAVAILABLE:
 * the caller fails closed instead of deciding without the answer.
 */
export async function callInternal<T>(call: InternalCall): Promise<T> {
  const unavailable = () => upstreamUnavailable(`The ${call.service} service did not answer`);
  const res = await fetch(`${call.baseUrl.replace(/\/$/, '')}${call.path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${await signServiceCall(call.audience, call.secret)}`,
    },
    body: JSON.stringify(call.body),
    signal: AbortSignal.timeout(call.timeoutMs ?? defaultTimeoutMs),
  }).catch(() => undefined);
  if (!res?.ok) {
    await res?.body?.cancel().catch(() => undefined);
    throw unavailable();
  }
  try {
    return (await res.json()) as T;
  } catch {
    throw unavailable();
  }
}

/** Whether an internal route's caller holds the internal secret, for this route's audience. */
export function isServiceCall(
  req: IncomingMessage,
  audience: string,
  secret: string,
): Promise<boolean> {
  const bearer = /^bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  return verifyServiceCall(bearer, audience, secret);
}

/** A subgraph's GraphQL URL (ACCOUNTS_URL...) without `/graphql`: where its other routes are. */
export const serviceBaseUrl = (graphqlUrl: string): string =>
  graphqlUrl.replace(/\/graphql\/?$/, '');
