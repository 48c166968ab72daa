import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxBank } from '../../src/sandbox/index.js';
import {
  authorise,
  clientToken,
  http,
  obieSession,
  postForm,
  postJson,
  startBank,
  TestClock,
  type TokenResponse,
} from './helpers.js';
import type { BalancesBody, ErrorBody, TransactionsBody } from './obie-shapes.js';

describe('OBIE 3.1.11 sandbox bank: authorisation', () => {
  const clock = new TestClock();
  let bank: SandboxBank;

  beforeAll(async () => {
    bank = await startBank({ standard: 'obie', transactionsPerAccount: 200 }, clock);
  });
  afterAll(() => bank.close());

  it('creates consents AwaitingAuthorisation until the PSU logs in at the bank', async () => {
    const token = await clientToken(bank, 'accounts');
    const base = `${bank.url}/open-banking/v3.1/aisp`;
    const created = await postJson<{ Data: { ConsentId: string; Status: string } }>(
      `${base}/account-access-consents`,
      { Data: { Permissions: ['ReadAccountsBasic'] }, Risk: {} },
      { authorization: `Bearer ${token}` },
    );
    expect(created.status).toBe(201);
    expect(created.body.Data.Status).toBe('AwaitingAuthorisation');
    const approved = await authorise(bank, {
      consentId: created.body.Data.ConsentId,
      psu: 'alice',
    });
    expect(approved.body).toMatchObject({ status: 'Authorised' });
    expect(approved.body.code).toBeTruthy();
    const read = await http<{ Data: { Status: string } }>(
      `${base}/account-access-consents/${created.body.Data.ConsentId}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(read.body.Data.Status).toBe('Authorised');
  });

  it('refuses a client-credentials token on data endpoints', async () => {
    const token = await clientToken(bank, 'accounts');
    const res = await http<ErrorBody>(`${bank.url}/open-banking/v3.1/aisp/accounts`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(403);
    expect(res.body.Errors[0]?.ErrorCode).toBe('UK.OBIE.Resource.InvalidConsentStatus');
  });

  it('answers 401 without a body (as the spec does) for a missing or unknown token', async () => {
    const url = `${bank.url}/open-banking/v3.1/aisp/accounts`;
    const missing = await http(url);
    expect([missing.status, missing.text]).toEqual([401, '']);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    const unknown = await http(url, { headers: { authorization: 'Bearer nope' } });
    expect([unknown.status, unknown.text]).toEqual([401, '']);
    expect(unknown.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  it('matches the Bearer scheme case-insensitively', async () => {
    const session = await obieSession(bank);
    const res = await http(`${session.base}/accounts`, {
      headers: { authorization: `bEARER ${session.accessToken}` },
    });
    expect(res.status).toBe(200);
  });

  it('expires access tokens and renews them with the refresh token', async () => {
    const session = await obieSession(bank);
    clock.advance(3601_000);
    const expired = await http(`${session.base}/accounts`, { headers: session.headers });
    expect(expired.status).toBe(401);
    const renewed = await postForm<TokenResponse>(`${bank.url}/oauth/token`, {
      grant_type: 'refresh_token',
      refresh_token: session.refreshToken,
    });
    expect(renewed.status).toBe(200);
    const res = await http(`${session.base}/accounts`, {
      headers: { authorization: `Bearer ${renewed.body.access_token}` },
    });
    expect(res.status).toBe(200);
  });

  it('redeems an authorisation code only once', async () => {
    const token = await clientToken(bank, 'accounts');
    const created = await postJson<{ Data: { ConsentId: string } }>(
      `${bank.url}/open-banking/v3.1/aisp/account-access-consents`,
      { Data: { Permissions: ['ReadAccountsBasic'] }, Risk: {} },
      { authorization: `Bearer ${token}` },
    );
    const approved = await authorise(bank, { consentId: created.body.Data.ConsentId, psu: 'bob' });
    const form = { grant_type: 'authorization_code', code: approved.body.code ?? '' };
    expect((await postForm(`${bank.url}/oauth/token`, form)).status).toBe(200);
    const again = await postForm<{ error: string }>(`${bank.url}/oauth/token`, form);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
  });

  it('revoked consent: data refused, status Revoked, refresh refused', async () => {
    const session = await obieSession(bank);
    const token = await clientToken(bank, 'accounts');
    const consentUrl = `${session.base}/account-access-consents/${session.consentId}`;
    const deleted = await http(consentUrl, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(deleted.status).toBe(204);
    expect(deleted.headers.get('content-length')).toBeNull();
    const data = await http<ErrorBody>(`${session.base}/accounts`, { headers: session.headers });
    expect(data.status).toBe(403);
    const read = await http<{ Data: { Status: string } }>(consentUrl, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(read.body.Data.Status).toBe('Revoked');
    const refreshed = await postForm(`${bank.url}/oauth/token`, {
      grant_type: 'refresh_token',
      refresh_token: session.refreshToken,
    });
    expect(refreshed.status).toBe(400);
  });

  it('expired consent: data refused with 403', async () => {
    const session = await obieSession(bank, {
      data: { ExpirationDateTime: new Date(clock.time + 60_000).toISOString() },
    });
    expect((await http(`${session.base}/accounts`, { headers: session.headers })).status).toBe(200);
    clock.advance(120_000);
    const res = await http<ErrorBody>(`${session.base}/accounts`, { headers: session.headers });
    expect(res.status).toBe(403);
    expect(res.body.Errors[0]?.Message).toMatch(/expired/);
  });

  it.each([
    [['ReadBalances'], /ReadAccountsBasic or ReadAccountsDetail/],
    [['ReadAccountsBasic', 'ReadTransactionsBasic'], /Credits and\/or Debits/],
    [['ReadAccountsBasic', 'ReadTransactionsDebits'], /need ReadTransactionsBasic or Detail/],
    [['ReadAccountsBasic', 'ReadEverything'], /Unknown permission/],
  ])('rejects the permission combination %j', async (permissions, message) => {
    const token = await clientToken(bank, 'accounts');
    const res = await postJson<ErrorBody>(
      `${bank.url}/open-banking/v3.1/aisp/account-access-consents`,
      { Data: { Permissions: permissions }, Risk: {} },
      { authorization: `Bearer ${token}` },
    );
    expect(res.status).toBe(400);
    expect(res.body.Errors[0]?.Message).toMatch(message);
  });

  it('echoes x-fapi-interaction-id, or makes one up', async () => {
    const echoed = await http(`${bank.url}/open-banking/v3.1/aisp/accounts`, {
      headers: { 'x-fapi-interaction-id': 'b8e1c7b6-1b43-4a6e-a8a4-3a5d4b3a2f10' },
    });
    expect(echoed.headers.get('x-fapi-interaction-id')).toBe(
      'b8e1c7b6-1b43-4a6e-a8a4-3a5d4b3a2f10',
    );
    const made = await http(`${bank.url}/open-banking/v3.1/aisp/accounts`);
    expect(made.headers.get('x-fapi-interaction-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.headers.get('date')).toBeTruthy();
    const session = await obieSession(bank);
    const json = await http(`${session.base}/accounts`, { headers: session.headers });
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });
});

describe('OBIE 4.0 sandbox bank', () => {
  let bank: SandboxBank;

  beforeAll(async () => {
    bank = await startBank({ standard: 'obie', obieVersion: '4.0', transactionsPerAccount: 200 });
  });
  afterAll(() => bank.close());

  it('serves /open-banking/v4.0 with ISO status codes', async () => {
    const token = await clientToken(bank, 'accounts');
    const base = `${bank.url}/open-banking/v4.0/aisp`;
    const created = await postJson<{ Data: { ConsentId: string; Status: string } }>(
      `${base}/account-access-consents`,
      {
        Data: {
          Permissions: ['ReadAccountsBasic', 'ReadTransactionsBasic', 'ReadTransactionsDebits'],
        },
        Risk: {},
      },
      { authorization: `Bearer ${token}` },
    );
    expect(created.body.Data.Status).toBe('AWAU');
    const approved = await authorise(bank, {
      consentId: created.body.Data.ConsentId,
      psu: 'alice',
    });
    expect(approved.body.status).toBe('AUTH');
    const session = await obieSession(bank, { version: '4.0' });
    const page = await http<TransactionsBody>(`${session.base}/transactions`, {
      headers: session.headers,
    });
    expect(new Set(page.body.Data.Transaction.map((t) => t.Status))).toEqual(
      new Set(['BOOK', 'PDNG']),
    );
    const balances = await http<BalancesBody>(`${session.base}/balances`, {
      headers: session.headers,
    });
    expect(new Set(balances.body.Data.Balance.map((b) => b.Type))).toEqual(
      new Set(['ITBD', 'ITAV']),
    );
    expect(
      (await http(`${bank.url}/open-banking/v3.1/aisp/accounts`, { headers: session.headers }))
        .status,
    ).toBe(404);
  });

  it('uses the four-character error codes and shows expiry as EXPD', async () => {
    const clock = new TestClock();
    const timed = await startBank(
      { standard: 'obie', obieVersion: '4.0', transactionsPerAccount: 10 },
      clock,
    );
    try {
      const session = await obieSession(timed, {
        version: '4.0',
        permissions: ['ReadAccountsBasic'],
        data: { ExpirationDateTime: new Date(clock.time + 60_000).toISOString() },
      });
      const noBalances = await http<ErrorBody>(`${session.base}/balances`, {
        headers: session.headers,
      });
      expect(noBalances.body.Errors[0]?.ErrorCode).toBe('U008');
      const noRisk = await postJson<ErrorBody>(
        `${session.base}/account-access-consents`,
        { Data: { Permissions: ['ReadAccountsBasic'] } },
        { authorization: `Bearer ${await clientToken(timed, 'accounts')}` },
      );
      expect(noRisk.body.Errors[0]?.ErrorCode).toBe('U004');
      clock.advance(120_000);
      const token = await clientToken(timed, 'accounts');
      const read = await http<{ Data: { Status: string } }>(
        `${session.base}/account-access-consents/${session.consentId}`,
        {
          headers: { authorization: `Bearer ${token}` },
        },
      );
      expect(read.body.Data.Status).toBe('EXPD');
    } finally {
      await timed.close();
    }
  });
});
