import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../gateway/helpers.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { gatewayOver } from './gateway-over.ts';
import { rawPost } from './raw-request.ts';

type Gateway = Awaited<ReturnType<typeof gatewayOver>>;

/**
 * Review 15.9: every request the gateway turns away leaves a security record: a warn line
 * with the reason, the client when its token was good, the peer address and the request id,
 * and ledgergraph_gateway_refusals_total{reason}; never the token.
 */
describe('refused requests leave a trace', () => {
  let t: TestSystem;
  let main: Gateway;
  let token: string;
  let seq = 0;

  beforeAll(async () => {
    t = await startTestSystem({ PLAYGROUND: 'false' });
    main = await gatewayOver(t, {
      maxBodyBytes: 2048,
      settings: {
        limits: {
          ...t.config.gateway.limits,
          maxDepth: 3,
          maxAliases: 2,
          maxCost: 15,
          maxTokens: 100,
          maxInputDepth: 3,
        },
        allowIntrospection: false,
      },
    });
    token = await t.tokens.client();
  });
  afterAll(async () => {
    await main?.stop();
    await t?.stop();
  });

  const refusals = async (g: Gateway, reason: string) => {
    const text = await (await fetch(`${g.url}/metrics`)).text();
    const m = new RegExp(
      `^ledgergraph_gateway_refusals_total\\{reason="${reason}"\\} (\\d+)$`,
      'm',
    );
    return Number(m.exec(text)?.[1] ?? 0);
  };

  const ask = async (
    g: Gateway,
    body: string,
    authorization: string | null = `Bearer ${token}`,
  ) => {
    const id = `refusal-${++seq}`;
    const res = await fetch(`${g.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-fapi-interaction-id': id,
        ...(authorization ? { authorization } : {}),
      },
      body,
    });
    await res.arrayBuffer();
    return { id, status: res.status };
  };

  const recorded = async (g: Gateway, id: string) => {
    await until(() => g.lines.some((l) => l.requestId === id && l.msg === 'request refused'));
    const lines = g.lines.filter((l) => l.requestId === id && l.msg === 'request refused');
    expect(lines).toHaveLength(1);
    return lines[0]!;
  };

  /** Sends one refused request and checks its status, its record and the counter. */
  const expectRecorded = async (
    g: Gateway,
    send: () => Promise<{ id: string; status: number }>,
    expected: { status: number; reason: string; code: string; clientId?: string },
  ) => {
    const before = await refusals(g, expected.reason);
    const { id, status } = await send();
    expect(status).toBe(expected.status);
    const line = await recorded(g, id);
    expect(line).toEqual({
      time: expect.any(String),
      level: 'warn',
      msg: 'request refused',
      event: 'security.refusal',
      reason: expected.reason,
      code: expected.code,
      ...(expected.reason === 'missingToken' ? {} : { detail: expect.any(String) }),
      status: String(expected.status),
      route: '/graphql',
      requestId: id,
      ...(expected.clientId ? { clientId: expected.clientId } : {}),
      remoteAddress: expect.stringMatching(/127\.0\.0\.1$/),
    });
    expect(await refusals(g, expected.reason)).toBe(before + 1);
    return line;
  };

  const query = (q: string) => JSON.stringify({ query: q });

  it('a missing token', async () => {
    await expectRecorded(main, () => ask(main, query('{ banks { id } }'), null), {
      status: 401,
      reason: 'missingToken',
      code: 'UNAUTHENTICATED',
    });
  });

  it('a bad token, whose contents appear in no log line', async () => {
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const forged = `${header}.${payload}.${signature.slice(0, -4)}AAAA`;
    const line = await expectRecorded(
      main,
      () => ask(main, query('{ banks { id } }'), `Bearer ${forged}`),
      { status: 401, reason: 'invalidToken', code: 'UNAUTHENTICATED' },
    );
    expect(line.detail).toBe('Access token signature invalid');
    const all = JSON.stringify(main.lines);
    for (const part of [header, payload, signature.slice(0, -4)]) expect(all).not.toContain(part);
  });

  it('two Authorization headers', async () => {
    await expectRecorded(
      main,
      async () => {
        const id = `refusal-${++seq}`;
        const res = await rawPost(
          `${main.url}/graphql`,
          {
            'content-type': 'application/json',
            'x-fapi-interaction-id': id,
            authorization: [`Bearer ${token}`, `Bearer ${token}`],
          },
          query('{ banks { id } }'),
        );
        return { id, status: res.status };
      },
      { status: 400, reason: 'authorizationHeader', code: 'BAD_USER_INPUT' },
    );
  });

  describe('document and body limits, with the client the token named', () => {
    const cases: [string, string, number, string?][] = [
      ['depth', '{ consents { psu { consents { psu { id } } } } }', 400],
      ['aliases', '{ a: banks { id } b: banks { id } c: banks { id } }', 400],
      ['cost', '{ consents { psu { id } } }', 400],
      ['tokens', `{ banks { ${'id '.repeat(120)}} }`, 400],
      ['inputDepth', '{ consent(id: [[[["x"]]]]) { id } }', 400],
      ['introspection', '{ __schema { types { name } } }', 403, 'FORBIDDEN'],
    ];
    for (const [reason, q, status, code = 'BAD_USER_INPUT'] of cases) {
      it(reason, async () => {
        await expectRecorded(main, () => ask(main, query(q)), {
          status,
          reason,
          code,
          clientId: 'demo-pfm',
        });
      });
    }

    it('bodySize', async () => {
      const body = JSON.stringify({ query: '{ banks { id } }', pad: 'x'.repeat(3000) });
      await expectRecorded(main, () => ask(main, body), {
        status: 413,
        reason: 'bodySize',
        code: 'BAD_USER_INPUT',
        clientId: 'demo-pfm',
      });
    });
  });

  it('an accepted request, or a plain mistake, leaves no refusal record', async () => {
    const ok = await ask(main, query('{ banks { id } }'));
    const typo = await ask(main, query('{ bankz { id } }'));
    expect([ok.status, typo.status]).toEqual([200, 400]);
    await until(() => main.lines.some((l) => l.requestId === typo.id && l.msg === 'request'));
    const ids = [ok.id, typo.id];
    expect(
      main.lines.filter((l) => ids.includes(String(l.requestId)) && l.level !== 'info'),
    ).toEqual([]);
  });

  it('the rate limit', async () => {
    const limited = await gatewayOver(t, {
      settings: { rateLimit: { perSecond: 0.01, burst: 1 } },
    });
    try {
      expect((await ask(limited, query('{ banks { id } }'))).status).toBe(200);
      await expectRecorded(limited, () => ask(limited, query('{ banks { id } }')), {
        status: 429,
        reason: 'rateLimit',
        code: 'RATE_LIMITED',
        clientId: 'demo-pfm',
      });
    } finally {
      await limited.stop();
    }
  });

  it('the concurrency cap', async () => {
    const capped = await gatewayOver(t, { settings: { maxConcurrentRequests: 1 } });
    // One request holds the only slot while its body never finishes arriving.
    const held = request(`${capped.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': '100',
        authorization: `Bearer ${token}`,
      },
    });
    held.on('error', () => undefined);
    held.write('{"query":');
    try {
      let last = { id: '', status: 0 };
      // Without a token, so an attempt made before the slot is taken is a quick 401.
      await until(async () => {
        last = await ask(capped, query('{ banks { id } }'), null);
        return last.status === 503;
      });
      const line = await recorded(capped, last.id);
      expect(line).toMatchObject({ reason: 'capacity', code: 'RATE_LIMITED', status: '503' });
      expect(await refusals(capped, 'capacity')).toBeGreaterThan(0);
    } finally {
      held.destroy();
      await capped.stop();
    }
  });
});
