import type { IncomingMessage } from 'node:http';
import { isAppError } from '../../../shared/errors/index.ts';
import { readBody, sendJson } from '../../../shared/http/graphql-handler.ts';
import type { Route } from '../../../shared/http/server.ts';
import {
  accountsQuestion,
  accountsRoutes,
  type AccountIdentificationsAnswer,
  type AccountsQuestion,
  type OwnedAccountsAnswer,
} from '../../../shared/internal-api/accounts.ts';
import { isServiceCall } from '../../../shared/internal-api/call.ts';
import type { PsuAccounts } from '../services/psu-accounts.ts';

const maxQuestionBytes = 64 * 1024;

/**
 * The routes consent and payments call with a service JWS, never through the gateway
 * (HAProxy refuses /internal/ from outside): which ids are a PSU's accounts, and those
 * accounts' identifications. Each route has its own audience.
 */
export function internalAccountRoutes(
  accounts: PsuAccounts,
  secret: string,
): Record<string, Route> {
  const { owned, identifications } = accountsRoutes;
  return {
    [`POST ${owned.path}`]: answering(
      owned.audience,
      secret,
      async (q): Promise<OwnedAccountsAnswer> => ({
        owned: await accounts.owned(q.psuId, q.accountIds),
      }),
    ),
    [`POST ${identifications.path}`]: answering(
      identifications.audience,
      secret,
      async (q): Promise<AccountIdentificationsAnswer> => ({
        accounts: await accounts.identifications(q.psuId, q.accountIds),
      }),
    ),
  };
}

function answering(
  audience: string,
  secret: string,
  answer: (q: AccountsQuestion) => Promise<unknown>,
): Route {
  return async (req, res) => {
    if (!(await isServiceCall(req, audience, secret))) {
      return sendJson(res, 401, { error: 'unauthorized' });
    }
    const question = await questionOf(req);
    if (!question) return sendJson(res, 400, { error: 'invalid_request' }, { connection: 'close' });
    sendJson(res, 200, await answer(question), { 'cache-control': 'no-store' });
  };
}

/** The question in the body, or undefined when it is too large or not one. */
async function questionOf(req: IncomingMessage): Promise<AccountsQuestion | undefined> {
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req, maxQuestionBytes));
  } catch (e) {
    if (e instanceof SyntaxError || isAppError(e)) return undefined;
    throw e;
  }
  const parsed = accountsQuestion.safeParse(body);
  return parsed.success ? parsed.data : undefined;
}
