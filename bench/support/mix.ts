import { Agent, request } from 'node:http';
import type { Target } from './load.ts';

/** One operation of a traffic mix and its share (weight) of the requests. */
export interface MixEntry {
  name: string;
  target: Target;
  weight: number;
}

/** One answered request: latency in ms from when it was due, not from when it went out. */
export interface Sample {
  op: string;
  ms: number;
  ok: boolean;
  /** A failed request: its status and the start of its body, or the socket's error. */
  failure?: string;
}

/**
 * A load generator for mixed traffic at a fixed rate, which autocannon does not do (its
 * `overallRate` sends each second's quota in a burst, and reports one histogram per run).
 * Operations come in a fixed interleaved order by weight (balance, balance, payment, ...), so
 * every stretch of the run has the same mix. Keep-alive sockets, at most `sockets` of them.
 */
export function mixClient(entries: MixEntry[], sockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const sequence = interleave(entries);
  let next = 0;

  function send(e: MixEntry, due: number): Promise<Sample> {
    const body = e.target.body();
    return new Promise((resolve) => {
      const done = (ok: boolean, failure?: string) =>
        resolve({ op: e.name, ms: performance.now() - due, ok, ...(ok ? {} : { failure }) });
      const req = request(e.target.url, {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...e.target.headers(),
        },
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const answer = Buffer.concat(chunks);
          const ok = res.statusCode === 200 && !answer.includes('"errors"');
          done(ok, ok ? undefined : `${res.statusCode} ${answer.toString('utf8', 0, 400)}`);
        });
        res.on('error', (err) => done(false, `response: ${err.message}`));
      });
      req.on('error', (err) => done(false, `request: ${err.message}`));
      req.end(body);
    });
  }
  const nextEntry = () => sequence[next++ % sequence.length]!;

  return {
    /** `workers` clients each sending its next request when the last is answered. */
    async closedLoop(seconds: number, workers: number) {
      const end = performance.now() + seconds * 1000;
      const samples: Sample[] = [];
      const worker = async () => {
        while (performance.now() < end) {
          const s = await send(nextEntry(), performance.now());
          if (performance.now() <= end) samples.push(s);
        }
      };
      const started = performance.now();
      await Promise.all(Array.from({ length: workers }, worker));
      return { samples, seconds: (Math.min(performance.now(), end) - started) / 1000 };
    },

    /**
     * `rate` requests a second, evenly spaced, for `seconds`, whatever the answers take; a
     * request due while `maxInFlight` are unanswered is dropped and counted. Resolves when
     * the last request is answered.
     */
    async openLoop(rate: number, seconds: number, maxInFlight: number) {
      const start = performance.now();
      const total = Math.max(1, Math.round(rate * seconds));
      const samples: Sample[] = [];
      const pending = new Set<Promise<void>>();
      let dropped = 0;
      // Requests unanswered as each one leaves: a backlog, seen directly.
      let inFlightSum = 0;
      let inFlightMax = 0;
      for (let i = 0; i < total; i++) {
        const due = start + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        inFlightSum += pending.size;
        inFlightMax = Math.max(inFlightMax, pending.size);
        if (pending.size >= maxInFlight) {
          dropped += 1;
          continue;
        }
        const p: Promise<void> = send(nextEntry(), due).then((s) => {
          samples.push(s);
          pending.delete(p);
        });
        pending.add(p);
      }
      await Promise.all(pending);
      return {
        samples,
        dropped,
        seconds: (performance.now() - start) / 1000,
        inFlight: { mean: inFlightSum / total, max: inFlightMax },
      };
    },

    close: () => agent.destroy(),
  };
}

/** Spreads each entry over the cycle in proportion to its weight (smooth weighted round-robin). */
function interleave(entries: MixEntry[]): MixEntry[] {
  const total = entries.reduce((a, e) => a + e.weight, 0);
  const current = entries.map(() => 0);
  const out: MixEntry[] = [];
  for (let n = 0; n < total; n++) {
    entries.forEach((e, i) => (current[i]! += e.weight));
    const best = current.indexOf(Math.max(...current));
    current[best]! -= total;
    out.push(entries[best]!);
  }
  return out;
}

/** The q-quantile (0..1) of `values` by nearest rank; NaN when there are none. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Least-squares slope of y over x; NaN with fewer than two points. */
export function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? NaN : num / den;
}
