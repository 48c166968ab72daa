import { randomUUID } from 'node:crypto';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  signInternalContext,
  internalContextHeader,
} from '../../src/shared/auth/internal-context.ts';
import type { SubgraphContext } from '../../src/shared/auth/context.ts';
import { notFound } from '../../src/shared/errors/index.ts';
import { createLogger } from '../../src/shared/log/index.ts';
import { createSubgraphServer } from '../../src/shared/http/subgraph.ts';
import { createRouter, listen, type Listening } from '../../src/shared/http/server.ts';

const secret = 'masked-errors-test-secret-0123456789';
const name = 'masked';

describe('masked internal errors in a subgraph', () => {
  const lines: Record<string, unknown>[] = [];
  let http: Listening;
  let stop: () => Promise<void>;
  let failContext = false;

  beforeAll(async () => {
    const schema = makeExecutableSchema({
      typeDefs: 'type Query { boom: String, missing: String }',
      resolvers: {
        Query: {
          boom: () => {
            throw new Error('db password=hunter2 rejected at pool.ts');
          },
          missing: () => {
            throw notFound('No such thing');
          },
        },
      },
    });
    const { server, routes } = await createSubgraphServer({
      name,
      schema,
      internalSecret: secret,
      maxBodyBytes: 10_000,
      extendContext: (base: SubgraphContext) => {
        if (failContext) throw new Error('loader setup broke');
        return base;
      },
      logger: createLogger('debug', (line) => lines.push(JSON.parse(line))),
    });
    http = await listen(createRouter(routes), 0, '127.0.0.1');
    stop = () => server.stop();
  });
  afterAll(async () => {
    await http.close();
    await stop();
  });

  async function ask(query: string, requestId: string) {
    const context = await signInternalContext(
      {
        requestId,
        principal: {
          kind: 'client',
          subject: 'app',
          clientId: 'app',
          scopes: [],
          tokenId: 't',
          issuer: 'test',
          expiresAt: Math.floor(Date.now() / 1000) + 60,
        },
      },
      name,
      secret,
    );
    const res = await fetch(`${http.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [internalContextHeader]: context },
      body: JSON.stringify({ query }),
    });
    return (await res.json()) as { errors?: Record<string, unknown>[] };
  }

  it('shows the client only the code, and logs the cause with the request id', async () => {
    const requestId = randomUUID();
    const body = await ask('{ boom }', requestId);
    expect(body.errors).toEqual([
      {
        message: 'Internal server error',
        locations: [{ line: 1, column: 3 }],
        path: ['boom'],
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      },
    ]);
    expect(JSON.stringify(body)).not.toMatch(/hunter2|pool\.ts|stack/);

    const logged = lines.filter((l) => l.requestId === requestId);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 'error',
      requestId,
      path: 'boom',
      cause: { name: 'Error', message: 'db password=hunter2 rejected at pool.ts' },
    });
    expect((logged[0]!.cause as { stack: string }).stack).toMatch(/masked-errors\.test\.ts/);
  });

  it('does not log errors the client is told about (typed codes)', async () => {
    const requestId = randomUUID();
    const body = await ask('{ missing }', requestId);
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'NOT_FOUND' });
    const parse = await ask('{ missing', requestId);
    expect(parse.errors?.[0]?.extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED' });
    expect(lines.filter((l) => l.requestId === requestId)).toEqual([]);
  });

  it('logs a context that failed to build, with the request id', async () => {
    const requestId = randomUUID();
    failContext = true;
    try {
      const body = await ask('{ missing }', requestId);
      expect(body.errors?.[0]?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
      expect(JSON.stringify(body)).not.toMatch(/loader setup/);
    } finally {
      failContext = false;
    }
    expect(lines.filter((l) => l.requestId === requestId)).toMatchObject([
      { level: 'error', cause: { message: 'loader setup broke' } },
    ]);
  });
});
