import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHiveGateway } from '../../bench/support/hive.ts';
import { balance, gatewayTarget } from '../../bench/support/operations.ts';
import { benchSecret, startBenchSystem, type BenchSystem } from '../../bench/support/system.ts';

// The bench's Hive Gateway variant must do per request the subgraph work every other variant
// pays: Hive's HTTP executor merges identical in-flight subgraph queries unless told not to,
// which made its path look cheaper than calling the subgraph directly (docs/BENCHMARKS.md).
let s: BenchSystem;
let hive: Awaited<ReturnType<typeof startHiveGateway>>;
beforeAll(async () => {
  s = await startBenchSystem();
  hive = await startHiveGateway(s, benchSecret);
}, 120_000);
afterAll(async () => {
  await hive?.stop();
  await s?.stop();
});

/** The audit chain's head once the subgraphs stopped appending (every call appends a batch). */
async function settledHead(): Promise<bigint> {
  let last = (await s.system.audit.head()).seq;
  for (;;) {
    await new Promise((r) => setTimeout(r, 200));
    const now = (await s.system.audit.head()).seq;
    if (now === last) return now;
    last = now;
  }
}

describe('bench Hive gateway variant', () => {
  it('sends one subgraph call per request, even for identical concurrent requests', async () => {
    const t = gatewayTarget(s, balance, hive.url);
    const send = async () => {
      const res = await fetch(t.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...t.headers() },
        body: t.body(),
      });
      const body = await res.text();
      expect(body, body).not.toContain('"errors"');
    };
    await send();
    const before = await settledHead();
    const n = 24;
    await Promise.all(Array.from({ length: n }, send));
    const after = await settledHead();
    // One audit batch per subgraph call: merged calls would leave fewer than the requests.
    expect(Number(after - before)).toBe(n);
  }, 60_000);
});
