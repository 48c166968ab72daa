import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/gateway/engine/index.ts';
import { unansweredResponse } from '../../src/gateway/engine/unanswered.ts';
import { loadConfig } from '../../src/shared/config/index.ts';
import { silentLogger } from '../../src/shared/log/index.ts';
import { supergraphFor } from '../../src/schemas.ts';

interface Answer {
  data?: unknown;
  errors?: { path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** How a subgraph fetch with no response is answered (the multi-process case: e2e/failover). */
describe('a subgraph fetch that got no response', () => {
  const unanswered = async (query: string, variables?: Record<string, unknown>) =>
    (await unansweredResponse('accounts', JSON.stringify({ query, variables })).json()) as Answer;
  const paths = async (query: string, variables?: Record<string, unknown>) =>
    (await unanswered(query, variables)).errors?.map((e) => e.path);

  it('answers UPSTREAM_UNAVAILABLE naming the subgraph, at each root field (aliases kept)', async () => {
    const res = await unanswered('{ accounts { id } mine: account(id: "a") { id } __typename }');
    expect(res.errors?.map((e) => [e.extensions?.code, e.extensions?.subgraph, e.path])).toEqual([
      ['UPSTREAM_UNAVAILABLE', 'accounts', ['accounts']],
      ['UPSTREAM_UNAVAILABLE', 'accounts', ['mine']],
    ]);
    expect(res.data).toBeNull();
  });

  it('answers each entity at its _entities index, with the fields of its own type only', async () => {
    const query = `query($representations: [_Any!]!) {
      _entities(representations: $representations) {
        ... on Consent { accounts { id } }
        ... on Psu { ...Totals }
      }
    }
    fragment Totals on Psu { totals { currency } accounts { id } }`;
    expect(
      await paths(query, {
        representations: [
          { __typename: 'Consent', id: 'c1' },
          { __typename: 'Psu', id: 'p1' },
        ],
      }),
    ).toEqual([
      ['_entities', 0, 'accounts'],
      ['_entities', 1, 'totals'],
      ['_entities', 1, 'accounts'],
    ]);
  });

  describe('through the engine', () => {
    let consent: Server;
    let engine: ReturnType<typeof createEngine>;

    beforeAll(async () => {
      // consent answers every fetch with one authorised consent; accounts is not there.
      consent = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            data: { consent: { __typename: 'Consent', id: 'c1', status: 'Authorised' } },
          }),
        );
      });
      await new Promise<void>((r) => consent.listen(0, '127.0.0.1', r));
      const port = (consent.address() as AddressInfo).port;
      const closed = 'http://127.0.0.1:9/graphql';
      const settings = loadConfig({ DATA_DIR: '/tmp/unused' }).gateway;
      engine = createEngine({
        supergraphSdl: await supergraphFor({
          consent: `http://127.0.0.1:${port}/graphql`,
          accounts: closed,
          payments: closed,
        }),
        internalSecret: 'x'.repeat(32),
        limits: settings.limits,
        allowIntrospection: false,
        maxInFlight: settings.maxConcurrentRequests,
        log: silentLogger,
      });
    });
    afterAll(async () => {
      await engine?.stop();
      consent?.close();
    });

    it('nulls the missing subgraph fields, root and entity, with their paths; the rest answers', async () => {
      const { status, body } = await engine.execute(
        {
          query: 'query($id: ID!) { consent(id: $id) { status accounts { id } } accounts { id } }',
          variables: { id: 'c1' },
        },
        {
          internal: {
            requestId: 'unanswered-1',
            principal: { clientId: 'app', scopes: [] },
          } as never,
        },
      );
      expect(status).toBe(200);
      expect(body.data).toEqual({
        consent: { status: 'Authorised', accounts: null },
        accounts: null,
      });
      expect(body.errors?.map((e) => [e.extensions?.code, e.path]).sort()).toEqual([
        ['UPSTREAM_UNAVAILABLE', ['accounts']],
        ['UPSTREAM_UNAVAILABLE', ['consent', 'accounts']],
      ]);
    });
  });
});
