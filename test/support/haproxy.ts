import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './processes.ts';

/** Debian's package; .ci/run installs it when missing. */
export const haproxyBinary = '/usr/sbin/haproxy';

export interface Backend {
  /** The server's name in HAProxy (stats, logs). */
  name: string;
  port: number;
}

export interface HaproxyOptions {
  servers: Backend[];
  /** Liveness path each server answers 200 on. */
  checkPath?: string;
}

/**
 * The configuration a deployment in front of gateway replicas would use, on loopback only.
 *
 * - Health: `GET <checkPath>` every 500 ms; two failures mark a server DOWN, two successes
 *   UP again. The gateway's /health, not /ready: /ready fails on every replica at once when
 *   a subgraph they share is down, and taking all of them out would turn one subgraph's
 *   outage (partial answers, UPSTREAM_UNAVAILABLE at its fields) into a 503 for everything.
 * - Between a crash and the second failed check, requests still go to the dead server.
 *   `retries 3` with `option redispatch 1` sends each retry to another server.
 *   `retry-on conn-failure empty-response`: a refused connection (the request never left)
 *   and a connection closed with nothing answered (the server died with the request in
 *   hand) are both replayed. The second is safe here only because the gateway is stateless
 *   and every mutation that moves money carries an idempotency key, which the payments
 *   service honours across replicas: the replay gets the first result, or CONFLICT while
 *   it still runs. Not `response-timeout` (a slow payment would be sent twice while the
 *   first still runs) and no status codes (a 502 is a subgraph's answer, not the replica's).
 */
export function haproxyConfig(o: HaproxyOptions & { port: number; socket: string }): string {
  return [
    'global',
    `  stats socket ${o.socket} mode 600 level admin`,
    '',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  retries 3',
    '  option redispatch 1',
    '  retry-on conn-failure empty-response',
    '',
    'frontend graphql',
    `  bind 127.0.0.1:${o.port}`,
    '  default_backend gateways',
    '',
    'backend gateways',
    '  balance roundrobin',
    '  option httpchk',
    `  http-check send meth GET uri ${o.checkPath ?? '/health'}`,
    '  http-check expect status 200',
    '  default-server inter 500ms fall 2 rise 2',
    ...o.servers.map((s) => `  server ${s.name} 127.0.0.1:${s.port} check`),
    '',
  ].join('\n');
}

export interface Haproxy {
  url: string;
  /** Each server's status as HAProxy sees it: UP, DOWN, "UP 1/2" (going down)... */
  status(): Promise<Record<string, string>>;
  /** Each server's row of `show stat` by column name (wretr: retries, wredis: redispatches). */
  stats(): Promise<Record<string, Record<string, string>>>;
  /** Waits until `server` is exactly `status`; throws with the last statuses and output. */
  waitFor(server: string, status: 'UP' | 'DOWN', timeoutMs?: number): Promise<void>;
  output(): string;
  stop(): Promise<void>;
}

/** Runs HAProxy in the foreground (`-db`) as a child process; resolves once it accepts. */
export async function startHaproxy(o: HaproxyOptions): Promise<Haproxy> {
  if (!existsSync(haproxyBinary)) {
    throw new Error(`${haproxyBinary} is missing: apt-get install -y haproxy (.ci/run does)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'lg-haproxy-'));
  const socket = join(dir, 'admin.sock');
  const port = await freePort();
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(cfg, haproxyConfig({ ...o, port, socket }));
  const child = spawn(haproxyBinary, ['-f', cfg, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  const command = (line: string) =>
    new Promise<string>((done, fail) => {
      const c = connect(socket);
      let answer = '';
      c.setTimeout(2000, () => c.destroy(new Error(`no answer to "${line}" within 2 s`)));
      c.on('connect', () => c.end(`${line}\n`));
      c.on('data', (d: Buffer) => (answer += d.toString()));
      c.on('error', fail);
      c.on('close', () => done(answer));
    });

  const stats = async () => {
    // CSV with a "# pxname,svname,...,status,..." header; servers only (type 4).
    const [header, ...rows] = (await command('show stat gateways 4 -1')).trim().split('\n');
    const columns = (header ?? '').replace(/^# /, '').split(',');
    return Object.fromEntries(
      rows.map((line) => {
        const row = Object.fromEntries(line.split(',').map((v, i) => [columns[i], v]));
        return [row['svname']!, row];
      }),
    );
  };
  const status = async () =>
    Object.fromEntries(Object.entries(await stats()).map(([name, row]) => [name, row['status']!]));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };

  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited (${child.exitCode}):\n${out}`);
    if (existsSync(socket) && (await status().catch(() => undefined))) break;
    if (Date.now() - started > 10_000) {
      await stop();
      throw new Error(`haproxy not up within 10 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    url: `http://127.0.0.1:${port}`,
    status,
    stats,
    async waitFor(server, wanted, timeoutMs = 15_000) {
      const since = Date.now();
      let last: Record<string, string> = {};
      while (Date.now() - since < timeoutMs) {
        last = await status();
        if (last[server] === wanted) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(
        `haproxy did not mark ${server} ${wanted} within ${timeoutMs} ms ` +
          `(last: ${JSON.stringify(last)}):\n${out}`,
      );
    },
    output: () => out,
    stop,
  };
}
