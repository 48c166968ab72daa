import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInternalContext } from '../../src/shared/auth/internal-context.ts';
import type { Principal } from '../../src/shared/auth/principal.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * graphql-middleware drops `__resolveReference` (graphql-shield #1111), so entity
 * resolution is guarded separately. These call a subgraph's `_entities` the way the
 * gateway does, with and without a valid context.
 */
describe('entity resolution stays authorised', () => {
  let t: TestSystem;
  let secret: string;
  let aliceAccountIds: string[];

  beforeAll(async () => {
    t = await startTestSystem({ SANDBOX_TRANSACTIONS_PER_ACCOUNT: '20' });
    secret = readFileSync(`${t.config.dataDir}/internal-context.secret`, 'utf8');
    const psu = await t.testIdp.psuToken('alice');
    const res = await t.execute<{ accounts: { id: string }[] }>(psu, '{ accounts { id } }');
    aliceAccountIds = res.data!.accounts.map((a) => a.id);
    expect(aliceAccountIds.length).toBeGreaterThan(0);
  });
  afterAll(() => t.stop());

  const entities = async (context: string | undefined, ids: string[]) => {
    const res = await fetch(`${t.system.subgraphUrls.accounts}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(context ? { 'x-ledgergraph-context': context } : {}),
      },
      body: JSON.stringify({
        query:
          'query($r: [_Any!]!) { _entities(representations: $r) { ... on Account { id nickname } } }',
        variables: { r: ids.map((id) => ({ __typename: 'Account', id })) },
      }),
    });
    return (await res.json()) as {
      data?: { _entities: unknown[] } | null;
      errors?: { extensions: { code: string } }[];
    };
  };

  const psuPrincipal = (psuId: string): Principal => ({
    kind: 'psu',
    subject: psuId,
    clientId: 'ledgergraph-hosted-pages',
    psuId,
    scopes: ['consents:authorise'],
    tokenId: 't',
    issuer: 'i',
    expiresAt: 0,
  });

  it('refuses entity resolution without the gateway context', async () => {
    const body = await entities(undefined, aliceAccountIds);
    expect(body.errors?.map((e) => e.extensions.code)).toContain('UNAUTHENTICATED');
    expect(JSON.stringify(body.data ?? null)).not.toContain('nickname":"');
  });

  it("resolves the caller's own account", async () => {
    const ctx = await signInternalContext(
      { requestId: 'r1', principal: psuPrincipal('psu_alice') },
      'accounts',
      secret,
    );
    const body = await entities(ctx, aliceAccountIds.slice(0, 1));
    expect(body.errors).toBeUndefined();
    expect(body.data!._entities).toEqual([expect.objectContaining({ id: aliceAccountIds[0] })]);
  });

  it("does not resolve another PSU's account by its id", async () => {
    const ctx = await signInternalContext(
      { requestId: 'r2', principal: psuPrincipal('psu_bob') },
      'accounts',
      secret,
    );
    const body = await entities(ctx, aliceAccountIds);
    expect(body.data!._entities.every((e) => e === null)).toBe(true);
  });

  // Apollo's default follows NODE_ENV (on under test, off in production): set explicitly, a
  // subgraph answers the same whatever mode its process runs in.
  it('does not answer introspection, not even with a valid context', async () => {
    const ctx = await signInternalContext(
      { requestId: 'r3', principal: psuPrincipal('psu_alice') },
      'accounts',
      secret,
    );
    const res = await fetch(`${t.system.subgraphUrls.accounts}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-ledgergraph-context': ctx },
      body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }),
    });
    const body = (await res.json()) as { data?: unknown; errors?: { message: string }[] };
    expect(res.status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.message).toMatch(/introspection is not allowed/i);
  });
});
