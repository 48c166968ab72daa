import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { iban } from '../payments/support.ts';
import { gatewayClient, type GatewayClient } from '../support/gateway-client.ts';
import { startHaproxy, type Haproxy } from '../support/haproxy.ts';
import { startFederation, type ServiceProcess } from '../support/processes.ts';
import { postgresUrl, redisUrl, requirePostgres, requireRedis } from '../support/services.ts';

/**
 * Every service in its own process on PostgreSQL and Redis, two gateway replicas behind
 * HAProxy (test/support/haproxy.ts says how it checks and retries). Replicas and a subgraph
 * are killed under a bounded load; what clients see, and what ends up stored and sent to the
 * bank, is checked against what they sent.
 */
describe('failover through a real load balancer', async () => {
  const available = (await requirePostgres()) && (await requireRedis());

  const run = randomBytes(4).toString('hex');
  const databases = ['consent', 'accounts', 'payments', 'audit'].map(
    (s) => [s, `lg_failover_${run}_${s}`] as const,
  );
  const urlOf = (name: string) => {
    const url = new URL(postgresUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  const admin = async <T>(use: (c: pg.Client) => Promise<T>, url = postgresUrl) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return await use(c);
    } finally {
      await c.end();
    }
  };

  let fed: Awaited<ReturnType<typeof startFederation>>;
  let lb: Haproxy;
  let client: GatewayClient;
  let payer: Awaited<ReturnType<GatewayClient['authorisedConsent']>>;
  let bg: string;
  let order: Record<string, unknown>;

  const serviceOf = (name: string) => fed.processes.find((p) => p.service === name)!;

  /** On failure, what every process and HAProxy wrote (tails). */
  const printOutputOnFailure = () =>
    onTestFailed(() => {
      const tail = (s: string) => s.slice(-4000);
      for (const p of fed?.processes ?? []) console.error(`--- ${p.service}:\n${tail(p.output())}`);
      if (lb) console.error(`--- haproxy:\n${tail(lb.output())}`);
    });

  beforeAll(async () => {
    if (!available) return;
    await admin(async (c) => {
      for (const [, name] of databases) await c.query(`CREATE DATABASE ${name}`);
    });
    const url = Object.fromEntries(databases.map(([s, name]) => [s, urlOf(name)]));
    fed = await startFederation({
      gatewayReplicas: 2,
      env: {
        CONSENT_DATABASE_URL: url['consent']!,
        ACCOUNTS_DATABASE_URL: url['accounts']!,
        PAYMENTS_DATABASE_URL: url['payments']!,
        AUDIT_DATABASE_URL: url['audit']!,
        REDIS_URL: redisUrl,
        // Rate limits, signals and throttles of this run only (Redis is shared).
        REDIS_KEY_PREFIX: `lg-failover-${run}`,
        SANDBOX_TRANSACTIONS_PER_ACCOUNT: '30',
        // The load is one client app: neither the gateway's budget nor the payment risk
        // rules may refuse it (each would be a failure that is not the failover's).
        RATE_LIMIT_PER_SECOND: '1000',
        RATE_LIMIT_BURST: '1000',
        PAYMENTS_VELOCITY_MAX_COUNT: '1000',
        PAYMENTS_ANOMALY_BURST_COUNT: '1000',
      },
    });
    lb = await startHaproxy({
      servers: fed.gatewayUrls.map((u, i) => ({ name: 'ab'[i]!, port: Number(new URL(u).port) })),
    });
    await lb.waitFor('a', 'UP');
    await lb.waitFor('b', 'UP');
    // The hosted pages at the consent service: the gateways' PUBLIC_URL is not the balancer's.
    client = gatewayClient(lb.url, {
      authorizationServer: `http://127.0.0.1:${fed.env.CONSENT_PORT}`,
    });
    payer = await client.authorisedConsent([
      'ReadAccountsBasic',
      'ReadBalances',
      'InitiatePayments',
      'ReadPayments',
    ]);
    bg = /sandbox-bg (\S+)/.exec(serviceOf('banks').where)![1]!;
    const psus = (await (await fetch(`${bg}/__sandbox/psus`)).json()) as {
      username: string;
      accounts: { iban: string }[];
    }[];
    order = {
      bankId: 'sandbox-bg',
      amount: '5.00',
      currency: 'EUR',
      creditorName: 'Corner Bakery',
      creditorAccount: { scheme: 'IBAN', identification: iban('DE', '370400440532013000') },
      debtorAccount: {
        scheme: 'IBAN',
        identification: psus.find((p) => p.username === 'alice')!.accounts[0]!.iban,
      },
      reference: 'Failover',
    };
  }, 240_000);

  afterAll(async () => {
    await lb?.stop();
    await fed?.stop();
    if (available) {
      await admin(async (c) => {
        for (const [, name] of databases)
          await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
    }
  }, 60_000);

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** Polls until `probe` is truthy; after `ms`, fails saying what was awaited. */
  async function until<T>(what: string, ms: number, probe: () => Promise<T> | T): Promise<T> {
    const since = Date.now();
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() - since > ms) throw new Error(`not within ${ms} ms: ${what}`);
      await sleep(200);
    }
  }

  const Q = {
    balances: '{ accounts { id balances { amount currency } } }',
    createConsent: `mutation($key: String!, $input: CreatePaymentConsentInput!) {
      createPaymentConsent(idempotencyKey: $key, input: $input) { id }
    }`,
    submit: `mutation($key: String!, $id: ID!) {
      submitPayment(idempotencyKey: $key, paymentConsentId: $id) { id status }
    }`,
    consentAccounts: 'query($id: ID!) { consent(id: $id) { id status accounts { id } } }',
  };
  // The PSU is present: balance reads do not use up the unattended reads a day allows.
  const present = { 'x-fapi-customer-ip-address': '127.0.0.1' };

  interface Attempt {
    job: number;
    what: string;
    /** The request's first try (a retry repeats it with the same idempotency key). */
    first: boolean;
    at: number;
    outcome: string;
  }

  /** One request through the load balancer; its outcome is `ok`, an error code or why it failed. */
  async function attempt<T>(
    log: Attempt[],
    job: number,
    what: string,
    first: boolean,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<T | undefined> {
    const at = Date.now();
    let outcome: string;
    let data: T | undefined;
    try {
      const res = await client.execute<T>(payer.token, query, variables, present);
      const e = res.errors?.[0];
      const reason = e?.extensions?.reason;
      outcome = e
        ? `${String(e.extensions?.code)}${reason ? `:${String(reason)}` : ''}`
        : res.status === 200 && res.data
          ? 'ok'
          : `HTTP ${res.status}`;
      if (outcome === 'ok') data = res.data!;
    } catch (error) {
      outcome = error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : 'failed';
    }
    log.push({ job, what, first, at, outcome: outcome.slice(0, 160) });
    return data;
  }

  // A client gives up on these; anything else (no answer, 5xx, a key still in use) it retries.
  const definitive =
    /^(UNAUTHENTICATED|FORBIDDEN|BAD_USER_INPUT|NOT_FOUND|CONFLICT:idempotency_key_reused)/;

  /** A keyed mutation, retried with the same key until it answers (as a client app would). */
  async function keyed<T>(
    log: Attempt[],
    job: number,
    what: string,
    query: string,
    variables: Record<string, unknown>,
  ): Promise<T> {
    const deadline = Date.now() + 30_000;
    for (let first = true; ; first = false) {
      const data = await attempt<Record<string, T>>(log, job, what, first, query, variables);
      if (data) return data[what]!;
      const last = log.findLast((a) => a.job === job)!.outcome;
      if (definitive.test(last)) throw new Error(`${what} (job ${job}) refused: ${last}`);
      if (Date.now() > deadline)
        throw new Error(`${what} (job ${job}) failing after 30 s: ${last}`);
      await sleep(250);
    }
  }

  /**
   * Starts `job(i)` `perSecond` times a second (skipping a beat while `maxInFlight` are
   * running) until stopped, `maxJobs` or `maxSeconds`; stop() waits for every job.
   */
  function drive(
    o: { perSecond: number; maxSeconds: number; maxJobs: number; maxInFlight: number },
    job: (i: number) => Promise<void>,
  ) {
    let stopped = false;
    let inFlight = 0;
    const jobs: Promise<void>[] = [];
    const failures: string[] = [];
    const started = Date.now();
    let seconds = 0;
    const done = (async () => {
      while (!stopped && jobs.length < o.maxJobs && Date.now() - started < o.maxSeconds * 1000) {
        if (inFlight < o.maxInFlight) {
          inFlight += 1;
          const i = jobs.length;
          jobs.push(
            job(i)
              .catch((e: unknown) => void failures.push(e instanceof Error ? e.message : String(e)))
              .finally(() => (inFlight -= 1)),
          );
        }
        await sleep(1000 / o.perSecond);
      }
      seconds = (Date.now() - started) / 1000;
      await Promise.all(jobs);
    })();
    return {
      stop: async () => {
        stopped = true;
        await done;
        return { jobs: jobs.length, seconds, failures };
      },
    };
  }

  const paymentsDb = () => urlOf(databases.find(([s]) => s === 'payments')![1]);
  const ids = (table: string) =>
    admin(async (c) => {
      const { rows } = await c.query<{ id: string }>(`SELECT id FROM "${table}"`);
      return rows.map((r) => r.id);
    }, paymentsDb());
  /** Payment initiations that reached the Berlin Group sandbox bank. */
  const bankPaymentPosts = async () => {
    const res = await fetch(`${bg}/__sandbox/calls?pathPrefix=/v1/payments/&method=POST`);
    return ((await res.json()) as { count: number }).count;
  };
  /** GraphQL requests this gateway process answered (its own counter: a fresh process has 0). */
  const graphqlServed = async (gateway: ServiceProcess) => {
    const text = await (await fetch(`${new URL(gateway.where).origin}/metrics`)).text();
    const lines = text.matchAll(
      /^ledgergraph_http_requests_total\{[^}]*route="\/graphql"[^}]*\} (\S+)$/gm,
    );
    return [...lines].reduce((n, m) => n + Number(m[1]), 0);
  };

  /** One payment with step-up, so the creditor is known and the load's payments need no SCA. */
  async function payCreditorOnce() {
    const consent = client.ok(
      await client.execute<{ createPaymentConsent: { id: string } }>(payer.token, Q.createConsent, {
        key: `fo-${run}-warm-c`,
        input: order,
      }),
    ).createPaymentConsent;
    const challenge = client.ok(
      await client.execute<{ requestPaymentChallenge: { sandboxCode: string } }>(
        payer.token,
        'mutation($id: ID!) { requestPaymentChallenge(paymentConsentId: $id) { sandboxCode } }',
        { id: consent.id },
      ),
    ).requestPaymentChallenge;
    client.ok(
      await client.execute(
        payer.token,
        'mutation($id: ID!, $code: String!) { verifyPaymentChallenge(paymentConsentId: $id, code: $code) { id } }',
        { id: consent.id, code: challenge.sandboxCode },
      ),
    );
    client.ok(
      await client.execute(payer.token, Q.submit, { key: `fo-${run}-warm-p`, id: consent.id }),
    );
  }

  it.skipIf(!available)(
    'a replica killed under load: once HAProxy marks it DOWN every request succeeds, every payment key is one payment and one bank call; restarted, it serves again',
    async () => {
      printOutputOnFailure();
      const t0 = Date.now();
      await payCreditorOnce();
      const before = {
        payments: await ids('DomesticPayment'),
        consents: await ids('DomesticPaymentConsent'),
        bankPosts: await bankPaymentPosts(),
      };

      const log: Attempt[] = [];
      const paid: { consentId: string; paymentId: string }[] = [];
      // At most ~13 requests a second (a payment is two), 30 s, 400 jobs.
      const load = drive(
        { perSecond: 10, maxSeconds: 30, maxJobs: 400, maxInFlight: 10 },
        async (i) => {
          if (i % 3 !== 2) {
            await attempt(log, i, 'balances', true, Q.balances);
            return;
          }
          const consent = await keyed<{ id: string }>(
            log,
            i,
            'createPaymentConsent',
            Q.createConsent,
            { key: `fo-${run}-c${i}`, input: order },
          );
          const payment = await keyed<{ id: string }>(log, i, 'submitPayment', Q.submit, {
            key: `fo-${run}-p${i}`,
            id: consent.id,
          });
          paid.push({ consentId: consent.id, paymentId: payment.id });
        },
      );

      try {
        await until('10 requests answered before the kill', 20_000, () => log.length >= 10);
        const a = fed.gateways[0]!;
        const killedAt = Date.now();
        await a.kill();
        await lb.waitFor('a', 'DOWN', 15_000);
        const downAt = Date.now();
        await until(
          '20 requests sent after a was marked DOWN',
          20_000,
          () => log.filter((x) => x.first && x.at > downAt).length >= 20,
        );
        const restarted = await fed.restart(a);
        const restartedAt = Date.now();
        await lb.waitFor('a', 'UP', 20_000);
        const upAt = Date.now();
        // Round robin sends it every other request; one more read makes sure there is one.
        await until('restarted replica a answering GraphQL requests', 20_000, async () => {
          await attempt(log, -1, 'balances', true, Q.balances);
          return (await graphqlServed(restarted)) > 0;
        });
        const end = await load.stop();
        const servers = await lb.stats();
        const summary = {
          load: `${end.jobs} jobs (${log.length} requests) in ${end.seconds} s`,
          killToDownMs: downAt - killedAt,
          restartMs: restartedAt - downAt,
          restartToUpMs: upAt - restartedAt,
          failedBeforeDown: log
            .filter((x) => x.outcome !== 'ok' && x.at <= downAt)
            .map((x) => `${x.what}${x.first ? '' : ' (retry)'}: ${x.outcome}`),
          retriesAfterDown: log.filter((x) => !x.first && x.at > downAt).map((x) => x.outcome),
          haproxy: Object.fromEntries(
            Object.entries(servers).map(([n, r]) => [
              n,
              `retries ${r['wretr']}, redispatches ${r['wredis']}`,
            ]),
          ),
        };
        console.log('failover:', JSON.stringify(summary));

        expect(end.failures, 'payments that never completed').toEqual([]);
        expect(
          log.filter((x) => x.first && x.at > downAt && x.outcome !== 'ok'),
          'requests first sent after HAProxy marked a DOWN',
        ).toEqual([]);
        expect(paid.length).toBeGreaterThan(5);
        const after = {
          payments: await ids('DomesticPayment'),
          consents: await ids('DomesticPaymentConsent'),
          bankPosts: await bankPaymentPosts(),
        };
        const added = (now: string[], then: string[]) =>
          now.filter((id) => !then.includes(id)).sort();
        expect(added(after.payments, before.payments)).toEqual(paid.map((p) => p.paymentId).sort());
        expect(added(after.consents, before.consents)).toEqual(paid.map((p) => p.consentId).sort());
        expect(after.bankPosts - before.bankPosts, 'payment initiations at the bank').toBe(
          paid.length,
        );
      } finally {
        await load.stop();
        console.log(`scenario 1 took ${Date.now() - t0} ms`);
      }
    },
    180_000,
  );

  it.skipIf(!available)(
    'a subgraph down: its fields are null with UPSTREAM_UNAVAILABLE, the rest answers and HAProxy keeps both replicas; restarted, the query answers in full',
    async () => {
      printOutputOnFailure();
      const t0 = Date.now();
      const reader = await client.authorisedConsent(['ReadAccountsBasic']);
      const ask = () =>
        client.execute<{
          consent: { id: string; status: string; accounts: { id: string }[] | null };
        }>(reader.token, Q.consentAccounts, { id: reader.consentId });
      const full = {
        id: reader.consentId,
        status: 'Authorised',
        accounts: reader.accountIds.map((id) => ({ id })),
      };
      expect(client.ok(await ask()).consent).toEqual(full);

      await serviceOf('accounts').kill();
      try {
        const partial = await ask();
        expect(partial.data?.consent).toEqual({ ...full, accounts: null });
        expect(partial.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([
          ['UPSTREAM_UNAVAILABLE', ['consent', 'accounts']],
        ]);
        // A root field of the missing subgraph: null with the code, beside the consent's.
        const both = await client.execute<Record<string, unknown>>(
          reader.token,
          'query($id: ID!) { consent(id: $id) { status } accounts { id } }',
          { id: reader.consentId },
        );
        expect(both.data).toEqual({ consent: { status: 'Authorised' }, accounts: null });
        expect(both.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([
          ['UPSTREAM_UNAVAILABLE', ['accounts']],
        ]);
        // Each replica's /ready now fails (it checks its subgraphs), yet HAProxy, checking
        // /health, keeps both: a shared dependency's outage must not take every replica out.
        await until('replica b reporting accounts down on /ready', 10_000, async () => {
          const res = await fetch(`${fed.gatewayUrls[1]}/ready`);
          return res.status === 503;
        });
        await sleep(2_000);
        expect(await lb.status()).toEqual({ a: 'UP', b: 'UP' });
      } finally {
        await fed.restart(serviceOf('accounts'));
      }
      const again = await ask();
      expect(again.errors ?? []).toEqual([]);
      expect(again.data?.consent).toEqual(full);
      console.log(`scenario 2 took ${Date.now() - t0} ms`);
    },
    120_000,
  );

  it.skipIf(!available)(
    'a consent revoked through replica A refuses its token at replica B on the next request',
    async () => {
      printOutputOnFailure();
      const a = fed.gateways[0]!;
      if (a.child.exitCode !== null || a.child.signalCode !== null) await fed.restart(a);
      const [viaA, viaB] = fed.gatewayUrls.map((u) => gatewayClient(u));
      const c = await client.authorisedConsent(['ReadAccountsBasic']);
      // B has served this token twice (so its grant cache, when on, holds the grant).
      viaB!.ok(await viaB!.execute(c.token, '{ accounts { id } }'));
      viaB!.ok(await viaB!.execute(c.token, '{ accounts { id } }'));
      // Revoked by the client app (the PSU's revocation is the access dashboard's, at the
      // consent service): either way the consent service signals every replica.
      const revoked = await viaA!.execute(
        c.clientToken,
        'mutation($id: ID!) { revokeConsent(id: $id) { status } }',
        { id: c.consentId },
      );
      expect(revoked.data).toEqual({ revokeConsent: { status: 'Revoked' } });
      const after = await viaB!.execute(c.token, '{ accounts { id } }');
      expect(after.status).toBe(401);
      expect(after.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      // Whether B's grant cache took part (hits) or was off (bypass), for whoever reads the log.
      const metrics = await (await fetch(`${fed.gatewayUrls[1]}/metrics`)).text();
      console.log(metrics.match(/^ledgergraph_consent_grant_cache_total.*$/gm) ?? 'no grant cache');
    },
    60_000,
  );
});
