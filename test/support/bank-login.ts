import { expect } from 'vitest';
import {
  actAsSandboxPsu,
  type SandboxPsuLogin,
} from '../../src/subgraphs/accounts/banks/sandbox-psu.ts';
import { expectNoErrors, type TestSystem } from './system.ts';

export interface BankLinkStart {
  connectionId: string;
  authorisationUrl: string;
  state: string;
}

/** connectBank through the gateway: the bank's own login page to send the PSU to. */
export async function startBankLink(
  t: Pick<TestSystem, 'execute'>,
  psuToken: string,
  bankId: string,
  returnUrl?: string,
): Promise<BankLinkStart> {
  const res = await t.execute<{
    connectBank: { connection: { id: string }; authorisationUrl: string; state: string };
  }>(
    psuToken,
    `mutation($bankId: ID!, $returnUrl: String) {
      connectBank(bankId: $bankId, returnUrl: $returnUrl) { connection { id } authorisationUrl state }
    }`,
    { bankId, returnUrl },
  );
  expectNoErrors(res);
  const { connection, authorisationUrl, state } = res.data!.connectBank;
  return { connectionId: connection.id, authorisationUrl, state };
}

/**
 * The PSU at the sandbox bank, over real HTTP: open the authorisation URL, log in on the
 * bank's page, approve or deny there. Answers where the bank sends the browser next (our
 * callback with code, state and iss), without going there.
 */
export function loginAtBank(
  t: Pick<TestSystem, 'system'>,
  bankId: string,
  authorisationUrl: string,
  login: SandboxPsuLogin,
): Promise<string> {
  const bank = t.system.banks.find((b) => b.id === bankId);
  if (!bank) throw new Error(`no bank ${bankId}`);
  return actAsSandboxPsu(bank, authorisationUrl, login);
}

export interface CallbackAnswer {
  status: number;
  /** Where our callback sends the PSU next (the client's return URL with the outcome). */
  location?: URL;
  body?: Record<string, unknown>;
}

/** The browser arriving at our callback; its redirect to the return URL is not followed. */
export async function followToCallback(url: string): Promise<CallbackAnswer> {
  const res = await fetch(url, { redirect: 'manual' });
  const location = res.headers.get('location');
  const text = await res.text();
  return {
    status: res.status,
    ...(location ? { location: new URL(location) } : {}),
    ...(text ? { body: JSON.parse(text) as Record<string, unknown> } : {}),
  };
}

/**
 * The whole way a PSU links a bank: connectBank, the bank's login and approval pages, the
 * redirect to our callback. Answers the callback's answer; expects the bank to be linked
 * unless the login says deny.
 */
export async function linkBank(
  t: Pick<TestSystem, 'execute' | 'system'>,
  psuToken: string,
  bankId: string,
  login: SandboxPsuLogin,
  returnUrl?: string,
): Promise<BankLinkStart & CallbackAnswer> {
  const started = await startBankLink(t, psuToken, bankId, returnUrl);
  const back = await loginAtBank(t, bankId, started.authorisationUrl, login);
  const answer = await followToCallback(back);
  if ((login.decision ?? 'approve') === 'approve') {
    const status = answer.location?.searchParams.get('status') ?? answer.body?.['status'];
    expect(status, JSON.stringify(answer.body ?? answer.location?.href)).toBe('Active');
  }
  return { ...started, ...answer };
}
