// The load generator in a process of its own. In the in-process benches autocannon shares the
// event loop with the servers; comparing one process with several, it must sit outside both.
import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { load, type LoadResult } from './load.ts';
import { gatewayTarget, operations } from './operations.ts';
import type { Seeded } from './seed.ts';

/** One load run: an operation through the gateway(s) at `urls`, with the consent of `seeded`. */
export interface LoadJob {
  operation: string;
  seeded: Seeded;
  urls: string[];
  seconds: number;
  connections: number;
}

type Reply = { id: number; result: LoadResult } | { id: number; error: string };

/**
 * Forks this module as the load generator. Each `run` is one autocannon run there; its
 * `cpuMs` is the load generator's own CPU per request.
 */
export async function startLoadProcess() {
  const child: ChildProcess = fork(import.meta.filename, [], {
    cwd: resolve(import.meta.dirname, '..', '..'),
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { done: (r: LoadResult) => void; fail: (e: Error) => void }>();
  let next = 0;
  child.on('message', (m: Reply) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if ('error' in m) p?.fail(new Error(`load generator: ${m.error}`));
    else p?.done(m.result);
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.once('exit', (code) => {
    for (const p of pending.values()) p.fail(new Error(`load generator exited (${code})`));
    pending.clear();
  });
  await new Promise<void>((done, fail) => {
    child.once('message', () => done());
    child.once('error', fail);
  });
  return {
    pid: child.pid!,
    run: (job: LoadJob) =>
      new Promise<LoadResult>((done, fail) => {
        const id = next++;
        pending.set(id, { done, fail });
        child.send({ id, job });
      }),
    async stop() {
      if (child.connected) child.disconnect();
      await exited;
    },
  };
}

if (process.send && process.argv[1] === import.meta.filename) {
  process.on('message', (m: { id: number; job: LoadJob }) => {
    const { id, job } = m;
    const op = operations.find((o) => o.name === job.operation);
    const run = op
      ? load(gatewayTarget(job.seeded, op, job.urls[0]), {
          seconds: job.seconds,
          connections: job.connections,
          urls: job.urls.map((u) => `${u}/graphql`),
        })
      : Promise.reject(new Error(`no operation ${job.operation}`));
    run.then(
      (result) => process.send!({ id, result }),
      (e: unknown) => process.send!({ id, error: String(e) }),
    );
  });
  // The parent gone (or done): nothing left to do.
  process.on('disconnect', () => process.exit(0));
  process.send({ ready: true });
}
