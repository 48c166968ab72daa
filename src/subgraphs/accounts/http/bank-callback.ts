import type { ServerResponse } from 'node:http';
import { isAppError } from '../../../shared/errors/index.ts';
import { sendJson } from '../../../shared/http/graphql-handler.ts';
import type { Route } from '../../../shared/http/server.ts';
import type { ConnectionService } from '../services/connection.service.ts';
import type { LinkOutcome } from '../services/bank-link.ts';

export const bankCallbackPath = '/connections/callback';

/** The URL carries a one-time code: never cached, never passed on as a referrer. */
const noLeak = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' };

/**
 * GET /connections/callback: where the bank sends the PSU back (OBIE: code, state, iss;
 * Berlin Group: our state only). Finishes the connection, then sends the PSU on to the
 * return URL the client gave to connectBank (allow-listed then), with the outcome in its
 * query; without one, answers the outcome as JSON.
 */
export function bankCallbackRoutes(connections: ConnectionService): Record<string, Route> {
  return {
    [`GET ${bankCallbackPath}`]: async (_req, res, url) => {
      let outcome: LinkOutcome;
      try {
        outcome = await connections.finish(url.searchParams);
      } catch (error) {
        if (!isAppError(error)) throw error;
        const reason = error.details['reason'];
        sendJson(
          res,
          error.httpStatus,
          { error: { code: error.code, message: error.message, ...(reason ? { reason } : {}) } },
          noLeak,
        );
        return;
      }
      answer(res, outcome);
    },
  };
}

function answer(res: ServerResponse, outcome: LinkOutcome): void {
  const result: Record<string, string> = {
    connectionId: outcome.connection.id,
    status: outcome.connection.status,
    ...(outcome.error
      ? {
          error: outcome.error.code,
          ...(outcome.error.reason ? { reason: outcome.error.reason } : {}),
        }
      : {}),
  };
  if (outcome.returnUrl) {
    const target = new URL(outcome.returnUrl);
    for (const [name, value] of Object.entries(result)) target.searchParams.set(name, value);
    res.writeHead(303, { location: target.href, ...noLeak }).end();
    return;
  }
  const failed = outcome.error && outcome.error.code !== 'access_denied';
  sendJson(
    res,
    failed ? 502 : 200,
    { ...result, ...(outcome.error ? { message: outcome.error.message } : {}) },
    noLeak,
  );
}
