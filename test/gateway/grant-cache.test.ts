import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, reloadIssuerKeys } from '../../src/gateway/authenticate.ts';
import { createGrantCache, type GrantCache } from '../../src/gateway/grant-cache.ts';
import type { Principal } from '../../src/shared/auth/principal.ts';
import { remoteIssuer } from '../../src/shared/auth/verify.ts';
import type { Clock } from '../../src/shared/clock.ts';
import { SecretBox } from '../../src/shared/crypto/secret-box.ts';
import { AppError } from '../../src/shared/errors/index.ts';
import { createRouter, listen, type Listening, type Route } from '../../src/shared/http/server.ts';
import { silentLogger } from '../../src/shared/log/index.ts';
import { registry } from '../../src/shared/metrics/index.ts';
import { createSignalPublisher, type SignalPublisher } from '../../src/shared/signals/index.ts';
import {
  migrateConsentDb,
  openConsentDb,
  type ConsentDb,
} from '../../src/subgraphs/consent/db/client.ts';
import { seedConsentDb } from '../../src/subgraphs/consent/db/seed.ts';
import { createConsentSubgraph } from '../../src/subgraphs/consent/index.ts';
import { ConsentService } from '../../src/subgraphs/consent/services/consent.service.ts';
import { SigningKeyService } from '../../src/subgraphs/consent/services/signing-keys.service.ts';
import { redisUrl, requireRedis } from '../support/services.ts';
import { until } from './helpers.ts';
import { startTcpProxy } from './tcp-proxy.ts';

/** A clock both the consent service and a gateway's cache read, moved by the test. */
class MovableClock implements Clock {
  offsetMs = 0;
  now = () => new Date(Date.now() + this.offsetMs);
}

const issuer = 'http://ledgergraph.test';
const audience = 'ledgergraph';
const internalSecret = 'grant-cache-test-secret-at-least-32-characters';
const tokens = { issuer, audience, ttlSeconds: 300, alg: 'ES256' as const, rotationLeadSeconds: 0 };
const alice: Principal = {
  kind: 'psu',
  subject: 'psu_alice',
  clientId: 'ledgergraph-hosted-pages',
  psuId: 'psu_alice',
  scopes: ['consents:authorise'],
  tokenId: 't',
  issuer,
  expiresAt: 0,
};
const demoPfm: Principal = {
  kind: 'client',
  subject: 'demo-pfm',
  clientId: 'demo-pfm',
  scopes: ['consents:manage'],
  tokenId: 't',
  issuer,
  expiresAt: 0,
};

/**
 * Gateway replicas caching consent grants, kept exact by the consent service's signals over
 * a real Redis. The real consent subgraph answers the grant lookups and the JWKS (each call
 * counted); consent changes go through a ConsentService holding the real publisher, the way
 * the consent service wires it.
 */
describe('consent grant cache across gateway replicas (Redis)', async () => {
  const available = await requireRedis();
  const prefix = `test:${randomUUID()}`;
  const clock = new MovableClock();
  const calls = { grant: 0, jwks: 0 };
  /** Set by a test to hold grant answers (already computed) until it releases them. */
  let hold: { computed: () => void; release: Promise<void> } | undefined;
  let dir: string;
  let db: ConsentDb;
  let served: Listening;
  let publisher: SignalPublisher;
  let consents: ConsentService;
  let issueToken: (consentId: string) => Promise<string>;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    if (!available) return;
    dir = mkdtempSync(join(tmpdir(), 'ledgergraph-grant-cache-'));
    const url = `file:${join(dir, 'consent.db')}`;
    await migrateConsentDb(url);
    db = openConsentDb(url);
    await seedConsentDb(db);
    const subgraph = await createConsentSubgraph({
      db,
      clock,
      internalSecret,
      maxBodyBytes: 100_000,
      box: new SecretBox(randomBytes(32)),
      tokens,
    });
    const counted =
      (name: keyof typeof calls, route: Route): Route =>
      (req, res, url) => {
        calls[name] += 1;
        const held = name === 'grant' ? hold : undefined;
        if (held) {
          const end = res.end.bind(res) as (...args: unknown[]) => void;
          res.end = ((...args: unknown[]) => {
            held.computed();
            void held.release.then(() => end(...args));
            return res;
          }) as typeof res.end;
        }
        return route(req, res, url);
      };
    served = await listen(
      createRouter({
        'GET /internal/consent-grant': counted(
          'grant',
          subgraph.routes['GET /internal/consent-grant']!,
        ),
        'GET /jwks': counted('jwks', subgraph.routes['GET /jwks']!),
      }),
      0,
      '127.0.0.1',
    );
    publisher = createSignalPublisher(redisUrl, { prefix });
    consents = new ConsentService(db, clock, publisher.consentChanged);
    issueToken = async (consentId) =>
      (await subgraph.services.tokens.consent('demo-pfm', consentId)).access_token;
    await subgraph.server.stop();
  });
  afterEach(async () => {
    hold = undefined;
    caches.splice(0);
    clock.offsetMs = 0;
    await Promise.all(closers.splice(0).map((close) => close()));
  });
  afterAll(async () => {
    if (!available) return;
    await publisher.close();
    await served.close();
    await db.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  const caches: GrantCache[] = [];
  /** One gateway replica: its own JWKS cache, grant cache and subscription. */
  const replica = (o: { url?: string; ttlMs?: number; cache?: boolean } = {}) => {
    const issuers = [remoteIssuer(issuer, `${served.url}/jwks`)];
    const cache: GrantCache | undefined =
      o.cache === false
        ? undefined
        : createGrantCache({
            redisUrl: o.url ?? redisUrl,
            prefix,
            ttlMs: o.ttlMs ?? 60_000,
            now: () => clock.now().getTime(),
            onKeysRotated: () => reloadIssuerKeys(issuers, silentLogger),
          });
    if (cache) {
      caches.push(cache);
      closers.push(() => cache.close());
    }
    const authenticate = createAuthenticator({
      issuers,
      audience,
      consentGrantUrl: `${served.url}/internal/consent-grant`,
      internalSecret,
      grantCache: cache,
    });
    const outcome = (token: string) =>
      authenticate(`Bearer ${token}`, randomUUID()).then(
        (ctx) => (ctx.grant ? 'granted' : 'no grant'),
        (e: unknown) => (e instanceof AppError ? e.code : String(e)),
      );
    return { cache, outcome };
  };

  const authorisedConsent = async (expiresAt?: Date) => {
    const c = await consents.request(demoPfm, { permissions: ['ReadAccountsBasic'], expiresAt });
    const before = await received();
    const listening = caches.filter((cache) => cache.live).length;
    await consents.authorise(alice, c.id, ['acc_1']);
    // The authorisation's own signal must have landed first: a lookup it overlaps is
    // (rightly) not kept, which would make the counts below depend on timing.
    await until(async () => (await received()) - before >= listening);
    return { id: c.id, token: await issueToken(c.id) };
  };
  const received = () =>
    registry
      .counter('ledgergraph_signals_received_total', '', ['signal'])
      .get({ signal: 'consent-changed' });
  const twice = async (r: { outcome(token: string): Promise<string> }, token: string) => {
    expect(await r.outcome(token)).toBe('granted');
    expect(await r.outcome(token)).toBe('granted');
  };
  const grantCalls = async (during: () => Promise<unknown>) => {
    const before = calls.grant;
    await during();
    return calls.grant - before;
  };

  it.skipIf(!available)(
    'answers repeated lookups from each replica’s cache while the signals are live',
    async () => {
      const a = replica();
      const b = replica();
      await until(() => a.cache!.live && b.cache!.live);
      const { token } = await authorisedConsent();
      expect(
        await grantCalls(async () => {
          for (let i = 0; i < 3; i++) expect(await a.outcome(token)).toBe('granted');
          for (let i = 0; i < 3; i++) expect(await b.outcome(token)).toBe('granted');
        }),
      ).toBe(2);
    },
  );

  it.skipIf(!available)(
    'a revocation reaches every replica: the next request asks the consent service and is refused',
    async () => {
      const a = replica();
      const b = replica();
      await until(() => a.cache!.live && b.cache!.live);
      const { id, token } = await authorisedConsent();
      expect(await a.outcome(token)).toBe('granted');
      expect(await b.outcome(token)).toBe('granted');
      const before = await received();
      await consents.revoke(alice, id);
      // Both subscriptions have the signal (the 60 s TTL cannot be what empties them).
      await until(async () => (await received()) >= before + 2);
      expect(
        await grantCalls(async () => expect(await b.outcome(token)).toBe('UNAUTHENTICATED')),
      ).toBe(1);
      expect(
        await grantCalls(async () => expect(await a.outcome(token)).toBe('UNAUTHENTICATED')),
      ).toBe(1);
    },
  );

  it.skipIf(!available)(
    'serves nothing from the cache while the subscription is down, so a revocation meanwhile still bites',
    async () => {
      const proxy = await startTcpProxy(redisUrl);
      closers.push(proxy.close);
      const a = replica({ url: proxy.url });
      await until(() => a.cache!.live);
      const { id, token } = await authorisedConsent();
      expect(await grantCalls(() => twice(a, token))).toBe(1);

      proxy.cut();
      await until(() => !a.cache!.live);
      expect(a.cache!.size).toBe(0);
      expect(
        await grantCalls(async () => {
          for (let i = 0; i < 3; i++) expect(await a.outcome(token)).toBe('granted');
        }),
      ).toBe(3);
      // Published while this replica cannot hear it.
      await consents.revoke(alice, id);
      expect(await a.outcome(token)).toBe('UNAUTHENTICATED');

      proxy.restore();
      await until(() => a.cache!.live);
      const other = await authorisedConsent();
      expect(
        await grantCalls(async () => {
          for (let i = 0; i < 3; i++) expect(await a.outcome(other.token)).toBe('granted');
        }),
      ).toBe(1);
    },
  );

  it.skipIf(!available)(
    'does not remember a grant read before a change whose signal arrived while it was on its way',
    async () => {
      const a = replica();
      await until(() => a.cache!.live);
      const { id, token } = await authorisedConsent();
      let release!: () => void;
      let computed!: () => void;
      const wasComputed = new Promise<void>((resolve) => (computed = resolve));
      hold = { computed, release: new Promise<void>((resolve) => (release = resolve)) };
      const first = a.outcome(token);
      await wasComputed; // the consent service answered "Authorised"; the answer is held
      hold = undefined;
      const before = await received();
      await consents.revoke(alice, id);
      await until(async () => (await received()) >= before + 1);
      release();
      // That request began before the revocation and may pass; the next one may not.
      expect(await first).toBe('granted');
      expect(
        await grantCalls(async () => expect(await a.outcome(token)).toBe('UNAUTHENTICATED')),
      ).toBe(1);
    },
  );

  it.skipIf(!available)('never keeps an entry beyond its consent’s expiry', async () => {
    const a = replica({ ttlMs: 3_600_000 });
    await until(() => a.cache!.live);
    const { token } = await authorisedConsent(new Date(clock.now().getTime() + 60_000));
    expect(await grantCalls(() => twice(a, token))).toBe(1);
    clock.offsetMs = 59_000;
    expect(await grantCalls(async () => expect(await a.outcome(token)).toBe('granted'))).toBe(0);
    clock.offsetMs = 61_000;
    expect(
      await grantCalls(async () => expect(await a.outcome(token)).toBe('UNAUTHENTICATED')),
    ).toBe(1);
  });

  it.skipIf(!available)('a key rotation makes every replica refetch its JWKS at once', async () => {
    const a = replica();
    const b = replica();
    await until(() => a.cache!.live && b.cache!.live);
    const { token } = await authorisedConsent();
    await Promise.all([a.outcome(token), b.outcome(token)]);
    const before = calls.jwks;
    const keys = new SigningKeyService(
      db,
      clock,
      { alg: 'ES256', tokenTtlSeconds: 300, rotationLeadSeconds: 0 },
      publisher.keysRotated,
    );
    await keys.rotate();
    await until(() => calls.jwks >= before + 2);
    expect(a.cache!.size).toBe(0);
    expect(b.cache!.size).toBe(0);
  });

  it.skipIf(!available)('without Redis there is no cache: every request asks', async () => {
    const a = replica({ cache: false });
    const { token } = await authorisedConsent();
    expect(
      await grantCalls(async () => {
        for (let i = 0; i < 3; i++) expect(await a.outcome(token)).toBe('granted');
      }),
    ).toBe(3);
  });
});
