import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxBank } from '../../src/sandbox/index.js';
import {
  bgConsent,
  bgHeaders,
  clientToken,
  http,
  obieSession,
  postJson,
  psuAccounts,
  startBank,
  TestClock,
  type HttpResult,
  type ObieSession,
} from './helpers.js';
import { OpenApiSpec } from './openapi.js';

/** The sandbox banks at the edges of their specs, each edge checked against the spec file. */
interface ObieErrorBody {
  Errors: Array<{ ErrorCode: string; Path?: string }>;
}

const codes = {
  '3.1.11': { missing: 'UK.OBIE.Field.Missing', invalidDate: 'UK.OBIE.Field.InvalidDate' },
  '4.0': { missing: 'U004', invalidDate: 'U003' },
} as const;

describe.each(['3.1.11', '4.0'] as const)('OBIE %s sandbox at the edges of the spec', (version) => {
  const clock = new TestClock();
  let bank: SandboxBank;
  let session: ObieSession;
  let aisSpec: OpenApiSpec;
  let pisSpec: OpenApiSpec;
  const prefix = version === '4.0' ? 'v4.0' : 'v3.1';

  beforeAll(async () => {
    aisSpec = new OpenApiSpec(`obie-v${version}-account-info-openapi.yaml`);
    pisSpec = new OpenApiSpec(`obie-v${version}-payment-initiation-openapi.yaml`);
    bank = await startBank({ standard: 'obie', obieVersion: version }, clock);
    session = await obieSession(bank, { version });
  });
  afterAll(() => bank.close());

  const noBody = (res: HttpResult) => {
    expect(res.text).toBe('');
    expect(res.headers.get('content-type')).toBeNull();
    expect(res.headers.get('x-fapi-interaction-id')).toBeTruthy();
  };

  it('answers 401 with no body, as the spec declares it, and says why in WWW-Authenticate', async () => {
    expect(() => aisSpec.responseSchema('GET', '/accounts', 401)).toThrow(/no JSON body/);
    const url = `${session.base}/accounts`;
    const missing = await http(url);
    expect(missing.status).toBe(401);
    noBody(missing);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    const unknown = await http(url, { headers: { authorization: 'Bearer nope' } });
    expect(unknown.status).toBe(401);
    noBody(unknown);
    expect(unknown.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    const basic = await http(url, { headers: { authorization: 'Basic abc' } });
    expect(basic.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_request"/);
  });

  it.each([
    ['application/xml', 406],
    ['application/jose+jwe', 406],
    ['application/json;q=0, */*', 406],
    ['application/json; charset=utf-8', 200],
    ['application/*', 200],
    ['text/html, */*;q=0.1', 200],
  ])('answers Accept: %s with %i (406 without a body)', async (accept, status) => {
    expect(() => aisSpec.responseSchema('GET', '/accounts', 406)).toThrow(/no JSON body/);
    const res = await http(`${session.base}/accounts`, {
      headers: { ...session.headers, accept, 'x-fapi-interaction-id': 'ia-1' },
    });
    expect(res.status).toBe(status);
    expect(res.headers.get('x-fapi-interaction-id')).toBe('ia-1');
    if (status === 406) noBody(res);
  });

  it('refuses an account-access consent and a payment consent without Risk, in the OBIE error shape', async () => {
    const accounts = await clientToken(bank, 'accounts');
    const access = await postJson<ObieErrorBody>(
      `${session.base}/account-access-consents`,
      { Data: { Permissions: ['ReadAccountsBasic'] } },
      { authorization: `Bearer ${accounts}` },
    );
    expect(access.status).toBe(400);
    expect(aisSpec.check('POST', '/account-access-consents', 400, access.body)).toEqual([]);
    expect(access.body.Errors).toEqual([
      expect.objectContaining({ ErrorCode: codes[version].missing, Path: 'Risk' }),
    ]);

    const payments = await clientToken(bank, 'payments');
    const initiation = {
      InstructionIdentification: 'INSTR-1',
      EndToEndIdentification: 'E2E-1',
      InstructedAmount: { Amount: '1.00', Currency: 'GBP' },
      CreditorAccount: {
        SchemeName: 'UK.OBIE.SortCodeAccountNumber',
        Identification: '20150012345678',
        Name: 'Bob Creditor',
      },
    };
    const url = `${bank.url}/open-banking/${prefix}/pisp/domestic-payment-consents`;
    for (const [i, risk] of [undefined, null, 'low'].entries()) {
      const res = await postJson<ObieErrorBody>(
        url,
        { Data: { Initiation: initiation }, ...(risk === undefined ? {} : { Risk: risk }) },
        { authorization: `Bearer ${payments}`, 'x-idempotency-key': `no-risk-${i}` },
      );
      expect(res.status).toBe(400);
      expect(pisSpec.check('POST', '/domestic-payment-consents', 400, res.body)).toEqual([]);
      expect(res.body.Errors[0]).toMatchObject({ ErrorCode: codes[version].missing, Path: 'Risk' });
    }
    const withRisk = await postJson(
      url,
      { Data: { Initiation: initiation }, Risk: {} },
      { authorization: `Bearer ${payments}`, 'x-idempotency-key': 'with-risk' },
    );
    expect(withRisk.status).toBe(201);
  });

  it.each([
    ['fromBookingDateTime', '2025-02-30'],
    ['fromBookingDateTime', '2025-02-30T00:00:00'],
    ['toBookingDateTime', '2025-04-31T10:00:00'],
    ['toBookingDateTime', '2023-02-29'],
    ['fromBookingDateTime', '2025-03-01T24:00:00'],
  ])('refuses %s=%s, a time that does not exist, with 400', async (param, value) => {
    const res = await http<ObieErrorBody>(`${session.base}/transactions?${param}=${value}`, {
      headers: session.headers,
    });
    expect(res.status).toBe(400);
    expect(aisSpec.check('GET', '/transactions', 400, res.body)).toEqual([]);
    expect(res.body.Errors[0]).toMatchObject({
      ErrorCode: codes[version].invalidDate,
      Path: param,
    });
  });

  it('reads a real leap day, and refuses a consent expiring on a day that does not exist', async () => {
    const leap = await http(`${session.base}/transactions?fromBookingDateTime=2024-02-29`, {
      headers: session.headers,
    });
    expect(leap.status).toBe(200);
    const token = await clientToken(bank, 'accounts');
    const res = await postJson<ObieErrorBody>(
      `${session.base}/account-access-consents`,
      {
        Data: { Permissions: ['ReadAccountsBasic'], ExpirationDateTime: '2025-11-31T00:00:00Z' },
        Risk: {},
      },
      { authorization: `Bearer ${token}` },
    );
    expect(res.status).toBe(400);
    expect(res.body.Errors[0]).toMatchObject({
      ErrorCode: codes[version].invalidDate,
      Path: 'Data.ExpirationDateTime',
    });
  });
});

describe('Berlin Group sandbox at the edges of the spec', () => {
  const clock = new TestClock();
  let bank: SandboxBank;
  let spec: OpenApiSpec;
  let consentId: string;
  let accountId: string;

  beforeAll(async () => {
    spec = new OpenApiSpec('berlin-group-nextgenpsd2-v1.3.12.yaml');
    bank = await startBank({ standard: 'berlin-group' }, clock);
    consentId = await bgConsent(bank);
    accountId = (await psuAccounts(bank, 'alice'))[0]?.accountId ?? '';
  });
  afterAll(() => bank.close());

  /** Each a different error path; every one must name the request it answers. */
  const errors: Array<[string, () => { url: string; init?: RequestInit }, number]> = [
    ['no Consent-ID', () => ({ url: '/v1/accounts' }), 400],
    ['unknown consent', () => ({ url: '/v1/accounts', init: withConsent('nope') }), 403],
    ['unknown account', () => ({ url: '/v1/accounts/nope', init: withConsent() }), 404],
    ['unknown route', () => ({ url: '/v1/nothing' }), 404],
    ['wrong method', () => ({ url: '/v1/accounts', init: { method: 'PUT' } }), 405],
    [
      'impossible dateFrom',
      () => ({
        url: `/v1/accounts/${accountId}/transactions?dateFrom=2025-02-30`,
        init: withConsent(),
      }),
      400,
    ],
    ['Accept it cannot serve', () => ({ url: '/v1/accounts', init: withAccept('text/csv') }), 406],
    [
      'body not JSON',
      () => ({ url: '/v1/consents', init: { method: 'POST', body: '{', headers: json } }),
      400,
    ],
    [
      'body too large',
      () => ({
        url: '/v1/consents',
        init: { method: 'POST', body: 'x'.repeat(1_100_000), headers: json },
      }),
      413,
    ],
  ];
  const json = { 'content-type': 'application/json' };
  const withConsent = (id?: string): RequestInit => ({
    headers: { 'Consent-ID': id ?? consentId },
  });
  const withAccept = (accept: string): RequestInit => ({ headers: { accept } });

  it.each(errors)('echoes X-Request-ID on an error: %s', async (_name, make, status) => {
    const { url, init = {} } = make();
    const headers = bgHeaders(init.headers as Record<string, string> | undefined);
    const res = await http(`${bank.url}${url}`, { ...init, headers });
    expect(res.status).toBe(status);
    expect(res.headers.get('x-request-id')).toBe(headers['X-Request-ID']);
  });

  it('echoes X-Request-ID on injected failures too', async () => {
    for (const faults of [
      { errorRate: 1 },
      { rateLimit: { remaining: 0, retryAfterSeconds: 1 } },
    ]) {
      bank.setFaults(faults);
      try {
        const headers = bgHeaders(withConsent().headers as Record<string, string>);
        const res = await http(`${bank.url}/v1/accounts`, { headers });
        expect(res.status).toBeGreaterThanOrEqual(429);
        expect(res.headers.get('x-request-id')).toBe(headers['X-Request-ID']);
      } finally {
        bank.resetFaults();
      }
    }
  });

  it('names a request that came without X-Request-ID with a fresh id', async () => {
    const res = await http(`${bank.url}/v1/accounts`);
    expect(res.status).toBe(400);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an AIS Accept it cannot serve with 406 REQUESTED_FORMATS_INVALID, PIS without a body', async () => {
    const ais = await http(`${bank.url}/v1/accounts`, {
      headers: bgHeaders({ accept: 'application/xml', 'Consent-ID': consentId }),
    });
    expect(ais.status).toBe(406);
    expect(spec.check('GET', '/v1/accounts', 406, ais.body)).toEqual([]);
    expect(ais.body).toMatchObject({ tppMessages: [{ code: 'REQUESTED_FORMATS_INVALID' }] });
    const pis = await http(`${bank.url}/v1/payments/sepa-credit-transfers/p-1/status`, {
      headers: bgHeaders({ accept: 'application/xml' }),
    });
    expect(pis.status).toBe(406);
    expect(pis.text).toBe('');
    const ok = await http(`${bank.url}/v1/accounts`, {
      headers: bgHeaders({ accept: 'application/json', 'Consent-ID': consentId }),
    });
    expect(ok.status).toBe(200);
  });

  it('refuses dates that do not exist: dateFrom, dateTo and a consent validUntil', async () => {
    const base = `${bank.url}/v1/accounts/${accountId}/transactions?bookingStatus=both`;
    for (const query of ['&dateFrom=2025-02-30', '&dateFrom=2025-01-01&dateTo=2025-06-31']) {
      const res = await http(`${base}${query}`, {
        headers: bgHeaders(withConsent().headers as Record<string, string>),
      });
      expect(res.status).toBe(400);
      expect(spec.check('GET', '/v1/accounts/{account-id}/transactions', 400, res.body)).toEqual(
        [],
      );
      expect(res.body).toMatchObject({ tppMessages: [{ code: 'FORMAT_ERROR' }] });
    }
    const leap = await http(`${base}&dateFrom=2024-02-29`, {
      headers: bgHeaders(withConsent().headers as Record<string, string>),
    });
    expect(leap.status).toBe(200);
    const consent = await postJson(
      `${bank.url}/v1/consents`,
      {
        access: { allPsd2: 'allAccounts' },
        recurringIndicator: true,
        validUntil: '2025-09-31',
        frequencyPerDay: 4,
        combinedServiceIndicator: false,
      },
      bgHeaders({ 'PSU-ID': 'alice' }),
    );
    expect(consent.status).toBe(400);
    expect(consent.body).toMatchObject({
      tppMessages: [{ code: 'FORMAT_ERROR', path: 'validUntil' }],
    });
  });
});
