import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');

/** Whether a listener could take `port` on the loopback right now. */
async function canListen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/**
 * The first of `run` consecutive ports nothing listens on right now, for a process that
 * starts seconds later. Below Linux's ephemeral range (32768–60999): a port in that range can
 * be taken, between the check and the child's listen, as an outgoing connection's source port
 * or by another test's `listen(0)` (EADDRINUSE on the sandbox banks' port in a suite run).
 */
export async function freePort(run = 1): Promise<number> {
  for (;;) {
    const first = 10_000 + Math.floor(Math.random() * (22_000 - run));
    const free = await Promise.all(Array.from({ length: run }, (_, i) => canListen(first + i)));
    if (free.every(Boolean)) return first;
  }
}

/**
 * SQLite WAL and shared-memory files left in `dataDir`: a store closed by its last connection
 * checkpoints and removes them, so any left after a stop mean a store was not closed.
 */
export function storesLeftOpen(dataDir: string): string[] {
  return readdirSync(dataDir).filter((f) => /\.db-(wal|shm)$/.test(f));
}

export interface ServiceProcess {
  service: string;
  child: ChildProcess;
  /** What `serve` printed after "ready:". */
  where: string;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  /** SIGTERM and wait for the exit; rejects unless the process stopped cleanly (exit 0). */
  stop(): Promise<void>;
  /** SIGKILL and wait for the exit (a crash). */
  kill(): Promise<void>;
}

/** `serve <service>` in a child process, as production runs it; resolves once it is ready. */
export async function startServiceProcess(
  service: 'gateway' | 'consent' | 'accounts' | 'payments' | 'banks',
  env: Record<string, string>,
  readyTimeoutMs = 60_000,
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve', service], {
    cwd: root,
    // Only what the service is given, plus what Node itself needs.
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const where = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => {
      // Nobody holds a handle to a process that never got ready: it must not outlive this.
      child.kill('SIGKILL');
      fail(new Error(`${service} not ready within ${readyTimeoutMs} ms:\n${out}`));
    }, readyTimeoutMs);
    const onData = () => {
      const m = new RegExp(`ledgergraph ${service} ready: (.*)`).exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        done(m[1]!.trim());
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${service} exited (${code}) before it was ready:\n${out}`));
    });
  });
  const signal = async (s: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(s);
    await exited;
  };
  return {
    service,
    child,
    where,
    output: () => out,
    stop: async () => {
      const running = child.exitCode === null && child.signalCode === null;
      await signal('SIGTERM');
      // Its own orderly stop ends in exit 0; anything else cut it short (test/e2e/serve-stop).
      if (running && child.exitCode !== 0)
        throw new Error(
          `${service} did not stop cleanly (exit ${child.exitCode}, signal ${child.signalCode}):\n${out.slice(-2000)}`,
        );
    },
    kill: () => signal('SIGKILL'),
  };
}

export interface FederationLayout {
  /** Shared by every process (stores, secrets, limits); ports are added here. */
  env?: Record<string, string>;
  gatewayReplicas?: number;
  /** Start the sandbox banks service too (default true). */
  banks?: boolean;
}

/**
 * Every service in its own process on free ports: banks, then consent, accounts and
 * payments, then the gateway replicas. `env` decides the stores (SQLite under a fresh
 * DATA_DIR unless database URLs are given).
 */
export async function startFederation(layout: FederationLayout = {}) {
  const ports = {
    consent: await freePort(),
    accounts: await freePort(),
    payments: await freePort(),
    // The sandbox banks listen on three consecutive ports from their base.
    banks: await freePort(3),
  };
  const env: Record<string, string> = {
    DATA_DIR: mkdtempSync(join(tmpdir(), 'lg-federation-')),
    INTERNAL_CONTEXT_SECRET: 'federation-test-internal-context-secret-0123456789',
    TOKEN_ISSUER: 'http://ledgergraph.test',
    CONSENT_PORT: String(ports.consent),
    ACCOUNTS_PORT: String(ports.accounts),
    PAYMENTS_PORT: String(ports.payments),
    SANDBOX_BANK_BASE_PORT: String(ports.banks),
    ...layout.env,
  };
  const running: ServiceProcess[] = [];
  const stopAll = async () => {
    await Promise.all(running.map((p) => p.stop()));
  };
  /** Starts side by side; every one that came up is kept in `running` (stopped on failure). */
  const together = async (starts: Promise<ServiceProcess>[]) => {
    const settled = await Promise.allSettled(starts);
    const up = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    running.push(...up);
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    return up;
  };
  try {
    // Consent needs no bank; accounts seeds its demo connections at the banks. Gateways
    // last, side by side (each composes the supergraph: seconds of CPU apiece). More at
    // once only slows each start past its ready timeout on a busy machine.
    await together([
      ...((layout.banks ?? true) ? [startServiceProcess('banks', env)] : []),
      startServiceProcess('consent', env),
    ]);
    await together([startServiceProcess('accounts', env), startServiceProcess('payments', env)]);
    const gatewayPorts = await Promise.all(
      Array.from({ length: layout.gatewayReplicas ?? 1 }, () => freePort()),
    );
    const gateways = await together(
      gatewayPorts.map((port) => startServiceProcess('gateway', { ...env, PORT: String(port) })),
    );
    return {
      env,
      processes: running,
      gateways,
      /** Origins of the gateway replicas. */
      gatewayUrls: gateways.map((g) => new URL(g.where).origin),
      /** Restart one service in place, with the same environment (and port). */
      restart: async (p: ServiceProcess, extraEnv: Record<string, string> = {}) => {
        const again = await startServiceProcess(p.service as never, {
          ...env,
          ...(p.service === 'gateway' ? { PORT: new URL(p.where).port } : {}),
          ...extraEnv,
        });
        running[running.indexOf(p)] = again;
        if (gateways.includes(p)) gateways[gateways.indexOf(p)] = again;
        return again;
      },
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
