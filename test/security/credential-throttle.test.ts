import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { searchAudit, verifyChain } from '../../src/shared/audit/index.ts';
import { loadConfig } from '../../src/shared/config/index.ts';
import { createLogger } from '../../src/shared/log/index.ts';
import { credentialLockouts, registry } from '../../src/shared/metrics/index.ts';
import { internalSecretOf } from '../../src/shared/service/index.ts';
import { currentTotpCode } from '../../src/shared/crypto/totp.ts';
import { clientAddressHeader, signClientAddress } from '../../src/shared/throttle/index.ts';
import { demoPsus } from '../../src/subgraphs/consent/db/seed.ts';
import {
  startConsentService,
  type ConsentServiceHandle,
} from '../../src/subgraphs/consent/service.ts';

/**
 * Issue 15.1: credential guessing is throttled per identity and per address, with growing
 * delays and a lockout, for PSU passwords (the hosted sign-in, the one place they are
 * checked since the password grant left) and client secrets (the token endpoint) alike.
 * The real consent service on SQLite; addresses come in the gateway's signed header, as
 * behind the gateway. Date is frozen and moved by hand: no real waiting.
 */
const limits = {
  SIGNIN_MAX_FAILURES: '8',
  SIGNIN_LOCKOUT_SECONDS: '900',
  SIGNIN_MAX_FAILURES_PER_ADDRESS: '15',
  SIGNIN_MAX_FAILURES_PER_IDENTITY: '12',
};
/** After 3 free failures: 1, 2, 4, 8 s, then the 8th failure locks for 900 s. */
const growing = [1, 2, 4, 8, 900];

describe('credential guessing at the token endpoint and the hosted sign-in', () => {
  let dir: string;
  let consent: ConsentServiceHandle;
  let secret: string;
  const lines: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledgergraph-throttle-'));
    const config = loadConfig({
      DATA_DIR: dir,
      CONSENT_PORT: '0',
      TOKEN_ISSUER: 'http://ledgergraph.test',
      AUDIT_PRUNE_INTERVAL_HOURS: '0',
      ...limits,
    });
    consent = await startConsentService(config, {
      log: createLogger('info', (l) => lines.push(l)),
    });
    secret = internalSecretOf(config);
  });
  afterAll(async () => {
    await consent?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const advance = (seconds: number) => vi.setSystemTime(Date.now() + seconds * 1000);

  async function token(
    form: Record<string, string>,
    o: { address: string; client?: readonly [string, string]; post?: boolean },
  ) {
    const [id, clientSecret] = o.client ?? ['demo-pfm', 'demo-pfm-secret'];
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      [clientAddressHeader]: await signClientAddress(o.address, secret),
    };
    const body = new URLSearchParams(form);
    if (o.post) {
      body.set('client_id', id);
      body.set('client_secret', clientSecret);
    } else {
      headers.authorization = `Basic ${Buffer.from(`${id}:${clientSecret}`).toString('base64')}`;
    }
    const res = await fetch(`${consent.url}/token`, { method: 'POST', headers, body });
    const json = (await res.json()) as { error?: string; access_token?: string };
    const retryAfter = res.headers.get('retry-after');
    return {
      status: res.status,
      error: json.error,
      retryAfter: retryAfter === null ? undefined : Number(retryAfter),
    };
  }
  /**
   * A PSU's sign-in on the hosted page (the one place a PSU password is checked): the form
   * and its CSRF cookie, then the post. 303 signed in; 400 wrong; 429 throttled.
   */
  async function signIn(username: string, password: string, address: string) {
    const form = await fetch(`${consent.url}/account/signin`);
    const cookie = form.headers.getSetCookie()[0]!.split(';')[0]!;
    const csrf = /name="csrf" value="([^"]*)"/.exec(await form.text())![1]!;
    const demo = demoPsus.find((p) => p.username === username);
    const res = await fetch(`${consent.url}/account/signin`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie,
        [clientAddressHeader]: await signClientAddress(address, secret),
      },
      body: new URLSearchParams({
        csrf,
        username,
        password,
        otp: demo ? currentTotpCode(demo.totpSecret) : '000000',
      }),
    });
    const html = await res.text();
    const retryAfter = res.headers.get('retry-after');
    return {
      status: res.status,
      error: /Too many failed attempts/.test(html)
        ? 'throttled'
        : /not right/.test(html)
          ? 'wrong_credentials'
          : undefined,
      retryAfter: retryAfter === null ? undefined : Number(retryAfter),
    };
  }

  /**
   * Retry-After grew to the lockout. A delay can run out in real time before the next
   * attempt on a slow machine (only Date is frozen), so one may be missed, never reordered.
   */
  function expectGrowing(waits: number[]) {
    expect(waits.at(-1)).toBe(900);
    expect(waits.length).toBeGreaterThanOrEqual(3);
    expect(waits.every((w) => growing.includes(w))).toBe(true);
    expect(waits).toEqual([...new Set(waits)].sort((a, b) => a - b));
  }

  /** Wrong passwords, waiting out every Retry-After (a patient guesser): the waits seen. */
  async function guessPatiently(
    attempt: () => Promise<{ status: number; error?: string; retryAfter?: number }>,
    until: number,
  ) {
    const waits: number[] = [];
    while (waits.at(-1) !== until) {
      const r = await attempt();
      if (r.status === 429) {
        waits.push(r.retryAfter!);
        if (r.retryAfter !== until) advance(r.retryAfter!);
      } else expect(r.status).toBe(r.error === 'invalid_client' ? 401 : 400);
      expect(waits.length).toBeLessThan(20);
    }
    return waits;
  }

  it('200 wrong passwords in a row: a handful are checked, the rest refused with 429 and a growing Retry-After, and the right password too', async () => {
    const results = [];
    for (let i = 0; i < 200; i++) results.push(await signIn('alice', `guess-${i}`, '198.51.100.1'));
    expect(results.slice(0, 4).map((r) => [r.status, r.error])).toEqual(
      Array(4).fill([400, 'wrong_credentials']),
    );
    // Delays run out in real time (only Date is frozen), so a slow run gets one more check
    // per delay that passed, never more than SIGNIN_MAX_FAILURES in all.
    const checked = results.filter((r) => r.status === 400).length;
    expect(checked).toBeLessThanOrEqual(8);
    const refused = results.filter((r) => r.status === 429);
    expect(refused).toHaveLength(200 - checked);
    expect(results[4]).toMatchObject({ status: 429, error: 'throttled', retryAfter: 1 });
    const waits = refused.map((r) => r.retryAfter!);
    expect(waits).toEqual([...waits].sort((a, b) => a - b));
    // The finding: the right password at the end still worked. Not any more.
    const right = await signIn('alice', 'alice-sandbox', '198.51.100.1');
    expect(right).toMatchObject({ status: 429, error: 'throttled' });
  }, 180_000);

  it('delays grow with consecutive failures up to a lockout; the right password is refused during it and accepted after', async () => {
    const address = '198.51.100.2';
    const before = await credentialLockouts.get({ kind: 'psu_password' });
    const waits = await guessPatiently(() => signIn('bob', 'not-it', address), 900);
    expectGrowing(waits);
    expect(await credentialLockouts.get({ kind: 'psu_password' })).toBe(before + 1);

    expect(await signIn('bob', 'bob-sandbox', address)).toMatchObject({ status: 429 });
    advance(899);
    const late = await signIn('bob', 'bob-sandbox', address);
    expect(late).toMatchObject({ status: 429, retryAfter: 1 });
    advance(1);
    expect(await signIn('bob', 'bob-sandbox', address)).toMatchObject({ status: 303 });
    // A success starts the count again: the next wrong password is checked, not delayed.
    expect(await signIn('bob', 'not-it', address)).toMatchObject({ status: 400 });
    expect(await signIn('bob', 'bob-sandbox', address)).toMatchObject({ status: 303 });
  });

  it('a lockout is an audit record in the chain, a metric and a warning naming the PSU and address, never the password', async () => {
    const page = await searchAudit(
      consent.audit.db,
      { psuId: 'psu_bob', fieldPath: 'Security.credentialLockout' },
      { first: 10 },
    );
    expect(page.records).toHaveLength(1);
    const record = page.records[0]!;
    expect(record).toMatchObject({
      service: 'consent',
      principalKind: 'psu',
      principalId: 'psu_bob',
      outcome: 'denied',
      errorCode: 'RATE_LIMITED',
    });
    expect(JSON.parse(record.args!)).toMatchObject({
      kind: 'psu_password',
      identity: 'psu_bob',
      address: '198.51.100.2',
      scope: 'identity-address',
      failures: 8,
      lockedSeconds: 900,
    });
    expect((await verifyChain(consent.audit.db)).ok).toBe(true);

    const res = await fetch(`${consent.url}/metrics`);
    expect(await res.text()).toMatch(
      /^ledgergraph_credential_lockouts_total\{kind="psu_password"\} \d+$/m,
    );
    expect(await registry.render()).toMatch(
      /^ledgergraph_credential_failures_total\{kind="psu_password"\} \d+$/m,
    );

    const warnings = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'credential lockout' && l.identity === 'psu_bob');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 'warn', address: '198.51.100.2' });
    expect(lines.join('\n')).not.toMatch(/not-it|bob-sandbox|guess-/);
  });

  it('one address trying many usernames is locked out, whatever the username, even with the right password', async () => {
    const address = '203.0.113.7';
    for (let i = 0; i < 15; i++) {
      expect(await signIn(`user-${i}`, 'password1', address)).toMatchObject({ status: 400 });
    }
    const next = await signIn('user-15', 'password1', address);
    expect(next).toMatchObject({ status: 429, error: 'throttled' });
    expect(next.retryAfter).toBeGreaterThanOrEqual(900);
    expect(await signIn('carol', 'carol-sandbox', address)).toMatchObject({ status: 429 });
    // Another address is not affected.
    expect(await signIn('carol', 'carol-sandbox', '203.0.113.8')).toMatchObject({ status: 303 });
    const page = await searchAudit(
      consent.audit.db,
      { fieldPath: 'Security.credentialLockout', outcome: 'denied' },
      { first: 50 },
    );
    const scoped = page.records.map((r) => JSON.parse(r.args!) as Record<string, unknown>);
    expect(scoped).toContainEqual(
      expect.objectContaining({
        scope: 'address',
        address,
        identity: expect.stringMatching(/^unknown:/),
      }),
    );
  });

  it('one identity guessed from many addresses is locked out everywhere', async () => {
    for (let i = 0; i < 12; i++) {
      expect(await signIn('dave', 'x', `192.0.2.${i + 1}`)).toMatchObject({ status: 400 });
    }
    expect(await signIn('dave', 'x', '192.0.2.100')).toMatchObject({ status: 429 });
  });

  it('an IPv6 /64 counts as one address', async () => {
    for (let i = 0; i < 4; i++) await signIn('erin', 'x', `2001:db8:1:2::${i + 1}`);
    expect(await signIn('erin', 'x', '2001:db8:1:2:ffff::9')).toMatchObject({ status: 429 });
    expect(await signIn('erin', 'x', '2001:db8:1:3::1')).toMatchObject({ status: 400 });
  });

  it('concurrent guesses cannot slip past the lockout: at most SIGNIN_MAX_FAILURES are checked', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => signIn('frank', `guess-${i}`, '198.51.100.40')),
    );
    const checked = results.filter((r) => r.status === 400).length;
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(8);
    expect(results.filter((r) => r.status === 429)).toHaveLength(40 - checked);
  });

  it('client secret guessing (basic and post) is delayed and locked out alike, then audited as the client', async () => {
    const address = '198.51.100.50';
    const wrong = (i: number) =>
      token(
        { grant_type: 'client_credentials' },
        { address, client: ['demo-basic', `guess-${i}`], post: i % 2 === 1 },
      );
    let i = 0;
    const waits = await guessPatiently(() => wrong(i++), 900);
    expectGrowing(waits);
    const right = await token(
      { grant_type: 'client_credentials' },
      { address, client: ['demo-basic', 'demo-basic-secret'] },
    );
    expect(right).toMatchObject({ status: 429, error: 'invalid_client' });
    advance(900);
    expect(
      await token(
        { grant_type: 'client_credentials' },
        { address, client: ['demo-basic', 'demo-basic-secret'] },
      ),
    ).toMatchObject({ status: 200 });
    const page = await searchAudit(
      consent.audit.db,
      { clientId: 'demo-basic', fieldPath: 'Security.credentialLockout' },
      { first: 10 },
    );
    expect(page.records.map((r) => [r.principalKind, r.principalId])).toEqual([
      ['client', 'demo-basic'],
    ]);
  });

  it('a forged address header is ignored: the peer address counts', async () => {
    const forged = await signClientAddress('198.51.100.99', 'x'.repeat(32));
    const form = await fetch(`${consent.url}/account/signin`);
    const cookie = form.headers.getSetCookie()[0]!.split(';')[0]!;
    const csrf = /name="csrf" value="([^"]*)"/.exec(await form.text())![1]!;
    const res = await fetch(`${consent.url}/account/signin`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie,
        [clientAddressHeader]: forged,
      },
      body: new URLSearchParams({ csrf, username: 'gina', password: 'x', otp: '000000' }),
    });
    expect(res.status).toBe(400);
    const lockouts = lines.filter((l) => l.includes('198.51.100.99'));
    expect(lockouts).toEqual([]);
    // The peer (loopback) carries the count: three more fill the free failures, then a delay.
    for (let i = 0; i < 3; i++) await signIn('gina', 'x', '127.0.0.1');
    expect(await signIn('gina', 'x', '::ffff:127.0.0.1')).toMatchObject({ status: 429 });
  });
});
