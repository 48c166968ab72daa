/**
 * Nothing calls out: the whole system, started as `npm start` starts it (the CLI through
 * tsx, in a child process, with no environment beyond its own settings), opens no
 * connection to anything but loopback while it starts, serves a token, the README's first
 * query and a payment, and stops. No vendor telemetry, no cloud metadata probes. And the
 * stop on SIGTERM is its own orderly one: nothing else's handler kills it half-way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeByHostedFlow } from '../../src/shared/oauth/hosted-flow.ts';
import { Q, gbpOrder } from '../payments/support.ts';
import { demoClient, demoPsu } from '../support/gateway-client.ts';
import { freePort, storesLeftOpen } from '../support/processes.ts';
import {
  describeSocket,
  egressOf,
  isLoopback,
  watchSockets,
  type SocketEntry,
} from '../support/sockets.ts';

const root = resolve(import.meta.dirname, '..', '..');
const witness = pathToFileURL(join(root, 'test/support/egress-witness.mjs')).href;

interface Gql<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

describe('egress: a running system connects to loopback only', () => {
  let child: ChildProcess;
  let output = '';
  let dataDir: string;
  let watcher: ReturnType<typeof watchSockets>;
  let scan: { scans: number; sockets: SocketEntry[] };
  const ports = { gateway: 0, consent: 0, accounts: 0, payments: 0, banks: 0 };
  let gateway: string;
  let exit: { code: number | null; signal: NodeJS.Signals | null };

  beforeAll(async () => {
    ports.gateway = await freePort();
    ports.consent = await freePort();
    ports.accounts = await freePort();
    ports.payments = await freePort();
    // The sandbox banks listen on three consecutive ports from their base.
    ports.banks = await freePort(3);
    gateway = `http://127.0.0.1:${ports.gateway}`;
    dataDir = mkdtempSync(join(tmpdir(), 'lg-egress-'));
    child = spawn(
      process.execPath,
      [join(root, 'node_modules/tsx/dist/cli.mjs'), 'src/cli.ts', 'start'],
      {
        cwd: root,
        // Nothing from this process's environment (no APOLLO_TELEMETRY_DISABLED here).
        env: {
          PATH: process.env.PATH ?? '',
          NODE_OPTIONS: `--import ${witness}`,
          DATA_DIR: dataDir,
          PORT: String(ports.gateway),
          PUBLIC_URL: gateway,
          CONSENT_PORT: String(ports.consent),
          ACCOUNTS_PORT: String(ports.accounts),
          PAYMENTS_PORT: String(ports.payments),
          SANDBOX_BANK_BASE_PORT: String(ports.banks),
          SANDBOX_TRANSACTIONS_PER_ACCOUNT: '20',
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    // Watched from the first instant: the start-up is where detectors would run.
    watcher = watchSockets(child.pid!, 20);
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`not running after 120 s:\n${output}`)),
        120_000,
      );
      const check = () => {
        if (!output.includes('Ledgergraph is running')) return;
        clearTimeout(timer);
        child.stdout!.off('data', check);
        done();
      };
      child.stdout!.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`exited (${code}) before it was running:\n${output}`));
      });
    });

    await workload();

    const exited = new Promise<typeof exit>((done) =>
      child.once('exit', (code, signal) => done({ code, signal })),
    );
    child.kill('SIGTERM');
    exit = await exited;
    scan = await watcher.stop();
  }, 240_000);

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGKILL');
      await exited;
    }
    await watcher?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function token(client: string, secret: string, form: Record<string, string>) {
    const res = await fetch(`${gateway}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${client}:${secret}`).toString('base64')}` },
      body: new URLSearchParams(form),
    });
    const body = (await res.json()) as { access_token?: string };
    expect(body.access_token, JSON.stringify(body)).toBeTypeOf('string');
    return body.access_token!;
  }

  async function gql<T>(bearer: string, query: string, variables: Record<string, unknown> = {}) {
    const res = await fetch(`${gateway}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as Gql<T>;
    expect(body.errors ?? [], JSON.stringify(body.errors)).toEqual([]);
    return body.data!;
  }

  /** The README's consent flow: the client app asks, alice authorises on the hosted pages. */
  async function consentToken(permissions: string[]) {
    const client = await token('demo-pfm', 'demo-pfm-secret', {
      grant_type: 'client_credentials',
    });
    const { requestConsent } = await gql<{ requestConsent: { id: string } }>(
      client,
      'mutation($p: [ConsentPermission!]!) { requestConsent(input: { permissions: $p }) { id } }',
      { p: permissions },
    );
    const { accessToken: bound } = await authorizeByHostedFlow({
      base: gateway,
      client: demoClient('demo-pfm'),
      psu: demoPsu('alice'),
      consentId: requestConsent.id,
    });
    return { id: requestConsent.id, token: bound };
  }

  async function workload() {
    const read = await consentToken(['ReadAccountsDetail', 'ReadBalances']);
    const { consent } = await gql<{ consent: { status: string; accounts: unknown[] } }>(
      read.token,
      `query($id: ID!) { consent(id: $id) { status accounts { nickname currency
        identification { scheme identification } balances { type amount currency } } } }`,
      { id: read.id },
    );
    expect(consent.status).toBe('Authorised');
    expect(consent.accounts.length).toBeGreaterThan(0);

    const payer = await consentToken(['ReadAccountsBasic', 'InitiatePayments', 'ReadPayments']);
    const { createPaymentConsent: created } = await gql<{
      createPaymentConsent: {
        id: string;
        authorisation: { bankConsentId: string };
        sca: { required: boolean };
      };
    }>(payer.token, Q.createConsent, { key: `egress-${Date.now()}`, input: gbpOrder() });
    // The PSU approves at the bank (sandbox-obie, the first sandbox port).
    const approved = await fetch(`http://127.0.0.1:${ports.banks}/__sandbox/authorise`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ psu: 'alice', consentId: created.authorisation.bankConsentId }),
    });
    const { code } = (await approved.json()) as { code: string };
    await gql(payer.token, Q.authorise, { id: created.id, code });
    if (created.sca.required) {
      const { requestPaymentChallenge: challenge } = await gql<{
        requestPaymentChallenge: { sandboxCode: string };
      }>(payer.token, Q.challenge, { id: created.id });
      await gql(payer.token, Q.verify, { id: created.id, code: challenge.sandboxCode });
    }
    const { submitPayment } = await gql<{ submitPayment: { status: string } }>(
      payer.token,
      Q.submit,
      { key: `egress-pay-${Date.now()}`, id: created.id },
    );
    expect(submitPayment.status).not.toBe('Rejected');
  }

  it('opens no socket to a non-loopback address (every TCP and UDP socket, from start to stop)', () => {
    expect(scan.scans).toBeGreaterThan(20);
    expect(egressOf(scan.sockets).map(describeSocket)).toEqual([]);
  });

  it('saw the loopback connections it should have (the scan is not blind)', () => {
    const outgoing = (port: number) =>
      scan.sockets.some(
        (s) =>
          s.protocol.startsWith('tcp') && s.remote.port === port && isLoopback(s.remote.address),
      );
    // Gateway → subgraphs, subgraphs → banks: connections the child itself opened.
    expect(outgoing(ports.accounts)).toBe(true);
    expect(outgoing(ports.payments)).toBe(true);
    expect(outgoing(ports.banks)).toBe(true);
  });

  it('attempts no connection and looks up no name but loopback (preloaded witness)', () => {
    const attempts = [...output.matchAll(/^egress-witness connect (\S+) (\d+)$/gm)];
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts.map((m) => m[1]!).filter((ip) => !isLoopback(ipv6Full(ip)))).toEqual([]);
    const lookups = [...output.matchAll(/^egress-witness lookup (\S+)$/gm)].map((m) => m[1]!);
    expect(lookups.filter((host) => host !== 'localhost')).toEqual([]);
  });

  it('stops on SIGTERM by its own orderly stop: exit 0, every SQLite store closed', () => {
    // Apollo Server's own signal handler used to stop its subgraph and send the signal
    // again, which killed the process in the middle of ours (exit 143, WAL files left).
    expect(exit, output.slice(-2000)).toEqual({ code: 0, signal: null });
    const stores = readdirSync(dataDir).filter((f) => f.endsWith('.db'));
    expect(stores.length).toBeGreaterThanOrEqual(4);
    expect(storesLeftOpen(dataDir)).toEqual([]);
  });

  it('prints no MetadataLookupWarning (no cloud resource detector ran)', () => {
    expect(output).toContain('Ledgergraph is running');
    expect(output).not.toContain('MetadataLookupWarning');
  });
});

/** The witness prints addresses as Node does ("::1"); the loopback rule reads them in full. */
function ipv6Full(ip: string): string {
  if (!ip.includes(':')) return ip;
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4) return v4[1]!;
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.map((g) => parseInt(g, 16).toString(16)).join(':');
}
