import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchAudit, verifyChain } from '../../src/shared/audit/index.ts';
import { unpackRecords } from '../../src/shared/audit/records.ts';
import { errorCodes, expectNoErrors, startTestSystem, type TestSystem } from '../support/system.ts';

const dashboard = `query Dash($id: ID!) {
  consent(id: $id) {
    id status
    accounts { id nickname identification { scheme identification } balances { type amount currency } }
  }
}`;

interface Dashboard {
  consent: {
    accounts: { identification: unknown; balances: unknown[] | null }[];
  };
}

let t: TestSystem;
let seq = 0;
const rid = (name: string) => `${name}-${(seq += 1)}`;
const recordsOf = async (requestId: string) =>
  (
    await t.system.audit.db.auditBatch.findMany({ where: { requestId }, orderBy: { seq: 'asc' } })
  ).flatMap((batch) =>
    unpackRecords(batch.format, batch.records, batch.at).map((r) => ({
      service: batch.service,
      field: r.fieldPath,
      path: r.responsePath,
      outcome: r.outcome,
      code: r.errorCode,
      args: r.args,
      batch,
    })),
  );
const brief = (rs: Awaited<ReturnType<typeof recordsOf>>) =>
  rs.map((r) => `${r.service} ${r.field} ${r.path} ${r.outcome}${r.code ? ` ${r.code}` : ''}`);

beforeAll(async () => {
  t = await startTestSystem();
});
afterAll(() => t.stop());

describe('audit coverage: every resolver call of every subgraph is recorded', () => {
  it('a dashboard query touching N resolvers leaves exactly N records with their paths', async () => {
    const c = await t.authorisedConsent({ permissions: ['ReadAccountsDetail', 'ReadBalances'] });
    const requestId = rid('dash');
    const res = await t.execute<Dashboard>(
      c.token,
      dashboard,
      { id: c.consentId },
      {
        'x-fapi-interaction-id': requestId,
      },
    );
    expectNoErrors(res);
    const accounts = res.data!.consent.accounts;
    const expected = [
      'consent Query.consent consent ok',
      'consent Consent.id consent.id ok',
      'consent Consent.status consent.status ok',
      'accounts Query._entities _entities ok',
      'accounts Consent.__resolveReference _entities.0 ok',
      'accounts Consent.accounts _entities.0.accounts ok',
      ...accounts.flatMap((a, i) => {
        const at = `_entities.0.accounts.${i}`;
        return [
          `accounts Account.id ${at}.id ok`,
          `accounts Account.nickname ${at}.nickname ok`,
          `accounts Account.identification ${at}.identification ok`,
          `accounts AccountIdentification.scheme ${at}.identification.scheme ok`,
          `accounts AccountIdentification.identification ${at}.identification.identification ok`,
          `accounts Account.balances ${at}.balances ok`,
          ...a.balances!.flatMap((_, j) =>
            ['type', 'amount', 'currency'].map(
              (f) => `accounts Balance.${f} ${at}.balances.${j}.${f} ok`,
            ),
          ),
        ];
      }),
    ];
    const records = await recordsOf(requestId);
    expect(brief(records).sort()).toEqual(expected.sort());
    expect(records.length).toBeGreaterThan(20);
    for (const r of records) {
      expect(r.batch).toMatchObject({
        requestId,
        principalKind: 'consent',
        principalId: 'psu_alice',
        clientId: 'demo-pfm',
        psuId: 'psu_alice',
        consentId: c.consentId,
        operationType: 'query',
      });
      // The client's operation, not the planner's anonymous subgraph operations.
      expect(r.batch.operationName).toBe('Dash');
    }
    expect(records.find((r) => r.field === 'Query.consent')!.args).toBe(`{"id":"${c.consentId}"}`);
    expect(records.find((r) => r.field === 'Consent.__resolveReference')!.args).toBe(
      `{"id":"${c.consentId}"}`,
    );
  });

  it('records fields shield denied as denied, and failing resolvers as errors with their code', async () => {
    const c = await t.authorisedConsent({ permissions: ['ReadAccountsBasic'], accounts: 'first' });
    const requestId = rid('basic');
    const res = await t.execute(
      c.token,
      dashboard,
      { id: c.consentId },
      {
        'x-fapi-interaction-id': requestId,
      },
    );
    expect(errorCodes(res).sort()).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    const denied = brief(await recordsOf(requestId)).filter((r) => !r.endsWith(' ok'));
    expect(denied.sort()).toEqual([
      'accounts Account.balances _entities.0.accounts.0.balances denied FORBIDDEN',
      'accounts Account.identification _entities.0.accounts.0.identification denied FORBIDDEN',
    ]);

    const missing = rid('missing');
    const notFound = await t.execute(
      c.token,
      '{ consent(id: "cns_nope") { id } }',
      {},
      {
        'x-fapi-interaction-id': missing,
      },
    );
    expect(errorCodes(notFound)).toEqual(['NOT_FOUND']);
    expect(brief(await recordsOf(missing))).toEqual([
      'consent Query.consent consent error NOT_FOUND',
    ]);
  });

  it('tags the batches of a request under a consent with its PSU’s jurisdiction, in format 3', async () => {
    const c = await t.authorisedConsent({ permissions: ['ReadAccountsBasic'] });
    const requestId = rid('jurisdiction');
    const res = await t.execute(
      c.token,
      'query J($id: ID!) { consent(id: $id) { id accounts { id } } }',
      { id: c.consentId },
      { 'x-fapi-interaction-id': requestId },
    );
    expectNoErrors(res);
    const batches = await t.system.audit.db.auditBatch.findMany({ where: { requestId } });
    // One batch per subgraph; the demo PSU is GB, so UK.
    expect(batches.map((b) => [b.service, b.format, b.jurisdiction]).sort()).toEqual([
      ['accounts', 3, 'UK'],
      ['consent', 3, 'UK'],
    ]);
  });

  it('records a call without a valid gateway context as anonymous and denied', async () => {
    const res = await fetch(`${t.system.subgraphUrls.accounts}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ accounts { id } }' }),
    });
    expect(res.status).toBe(200);
    const records = await recordsOf('unauthenticated');
    expect(records.at(-1)).toMatchObject({
      service: 'accounts',
      field: 'Query.accounts',
      outcome: 'denied',
      code: 'UNAUTHENTICATED',
      batch: { principalKind: 'anonymous', principalId: null },
    });
  });

  it('records a mutation as started before it runs, then its outcome and arguments', async () => {
    const client = await t.tokens.client();
    const requestId = rid('mutation');
    const res = await t.execute<{ requestConsent: { id: string } }>(
      client,
      'mutation Ask { requestConsent(input: { permissions: [ReadAccountsBasic] }) { id status } }',
      {},
      { 'x-fapi-interaction-id': requestId },
    );
    expectNoErrors(res);
    const records = await recordsOf(requestId);
    expect(brief(records)).toEqual([
      'consent Mutation.requestConsent requestConsent started',
      'consent Mutation.requestConsent requestConsent ok',
      'consent Consent.id requestConsent.id ok',
      'consent Consent.status requestConsent.status ok',
    ]);
    expect(records[0]!.batch.seq).toBeLessThan(records[1]!.batch.seq);
    expect(records[1]!.args).toBe('{"input":{"permissions":["ReadAccountsBasic"]}}');
    expect(records[1]!.batch).toMatchObject({ principalKind: 'client', clientId: 'demo-pfm' });
  });

  it('keeps one chain that verifies across all of it', async () => {
    expect(await verifyChain(t.system.audit.db)).toMatchObject({ ok: true });
  });
});

describe('compliance read side (audit:read only)', () => {
  let consentId: string;
  let accounts: number;
  const reads: string[] = [];
  beforeAll(async () => {
    const c = await t.authorisedConsent({ permissions: ['ReadAccountsDetail', 'ReadBalances'] });
    consentId = c.consentId;
    accounts = c.accountIds.length;
    for (let i = 0; i < 3; i++) {
      const requestId = rid('review');
      reads.push(requestId);
      expectNoErrors(
        await t.execute(
          c.token,
          dashboard,
          { id: consentId },
          { 'x-fapi-interaction-id': requestId },
        ),
      );
    }
    await t.execute(c.psuToken, 'mutation($id: ID!) { revokeConsent(id: $id) { id } }', {
      id: consentId,
    });
  });

  const compliance = () => t.tokens.client('compliance-console', 'compliance-secret');

  it('refuses audit queries to a client without audit:read, and records the refusal', async () => {
    const token = await t.tokens.client();
    const requestId = rid('snoop');
    const res = await t.execute(
      token,
      '{ auditRecords { edges { node { id } } } }',
      {},
      { 'x-fapi-interaction-id': requestId },
    );
    expect(res.data).toEqual({ auditRecords: null });
    expect(errorCodes(res)).toEqual(['FORBIDDEN']);
    const review = await t.execute(
      token,
      `{ consentReview(id: "${consentId}") { consent { id } } }`,
    );
    expect(errorCodes(review)).toEqual(['FORBIDDEN']);
    expect(brief(await recordsOf(requestId))).toEqual([
      'consent Query.auditRecords auditRecords denied FORBIDDEN',
    ]);
  });

  it('searches by consent with cursor paging, newest first', async () => {
    const token = await compliance();
    const seen: { requestId: string; fieldPath: string }[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const res: Awaited<
        ReturnType<
          typeof t.execute<{
            auditRecords: {
              edges: { cursor: string; node: { requestId: string; fieldPath: string } }[];
              pageInfo: { hasNextPage: boolean; endCursor: string | null };
            };
          }>
        >
      > = await t.execute(
        token,
        `query($f: AuditFilterInput, $after: String) {
          auditRecords(filter: $f, first: 25, after: $after) {
            edges { cursor node { requestId fieldPath } }
            pageInfo { hasNextPage endCursor }
          }
        }`,
        { f: { consentId }, after },
      );
      expectNoErrors(res);
      seen.push(...res.data!.auditRecords.edges.map((e) => e.node));
      if (!res.data!.auditRecords.pageInfo.hasNextPage) break;
      after = res.data!.auditRecords.pageInfo.endCursor;
    }
    const stored = await searchAudit(t.system.audit.db, { consentId }, { first: 500 });
    expect(seen.length).toBe(stored.records.length);
    expect(new Set(seen.map((s) => s.requestId))).toEqual(new Set(reads));
    expect(seen[0]!.requestId).toBe(reads.at(-1));
  });

  it('filters by PSU, client, field path and time range', async () => {
    const token = await compliance();
    const query = `query($f: AuditFilterInput) { auditRecords(filter: $f, first: 500) {
      edges { node { requestId fieldPath psuId clientId consentId at outcome } } } }`;
    type Nodes = { auditRecords: { edges: { node: Record<string, string> }[] } };
    const nodes = async (f: Record<string, unknown>) => {
      const res = await t.execute<Nodes>(token, query, { f });
      expectNoErrors(res);
      return res.data!.auditRecords.edges.map((e) => e.node);
    };
    const balances = await nodes({ consentId, fieldPath: 'Account.balances' });
    expect(balances.length).toBe(reads.length * accounts);
    expect(balances.every((n) => n.psuId === 'psu_alice' && n.clientId === 'demo-pfm')).toBe(true);
    expect((await nodes({ psuId: 'psu_bob' })).length).toBe(0);
    expect(
      (await nodes({ clientId: 'demo-pfm', fieldPath: 'Balance.*', consentId })).length,
    ).toBeGreaterThan(0);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect(await nodes({ consentId, from: future })).toEqual([]);
    expect((await nodes({ consentId, to: future })).length).toBeGreaterThan(0);
  });

  it('reviews a consent: the grant, its status history and every access under it', async () => {
    const res = await t.execute<{
      consentReview: {
        consent: {
          id: string;
          status: string;
          permissions: string[];
          statusHistory: { toStatus: string; actor: string }[];
        };
        accesses: { edges: { node: { requestId: string; fieldPath: string; outcome: string } }[] };
      };
    }>(
      await compliance(),
      `query($id: ID!) { consentReview(id: $id) {
        consent { id status permissions selectedAccountIds clientApp { id } statusHistory { toStatus actor } }
        accesses(first: 500) { edges { node { requestId fieldPath outcome } } pageInfo { hasNextPage } }
      } }`,
      { id: consentId },
    );
    expectNoErrors(res);
    const review = res.data!.consentReview;
    expect(review.consent).toMatchObject({
      id: consentId,
      status: 'Revoked',
      permissions: ['ReadAccountsDetail', 'ReadBalances'],
    });
    expect(review.consent.statusHistory.map((h) => `${h.toStatus}:${h.actor}`)).toEqual([
      'AwaitingAuthorisation:CLIENT',
      'Authorised:PSU',
      'Revoked:PSU',
    ]);
    const byRequest = new Set(review.accesses.edges.map((e) => e.node.requestId));
    for (const r of reads) expect(byRequest).toContain(r);
    expect(review.accesses.edges.some((e) => e.node.fieldPath === 'Balance.amount')).toBe(true);
  });
});
