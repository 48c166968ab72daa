/**
 * The consent-expiry scheduler on a clock the test moves: which consents get a notice, when,
 * and that ticking again (or from a second replica) asks for nothing new. The outbox here
 * keeps the contract of src/shared/events/types.ts (ConsentExpiryOutbox) in memory.
 */
import { describe, expect, it } from 'vitest';
import {
  ExpiryNotices,
  type ExpiryOutbox,
} from '../../src/subgraphs/consent/services/expiry-notices.ts';

const day = 86_400_000;

class MemoryOutbox implements ExpiryOutbox {
  readonly consents = new Map<string, { expiresAt: Date; authorised: boolean }>();
  readonly written: { consentId: string; expiresAt: string }[] = [];
  private readonly keys = new Set<string>();
  constructor(private readonly now: () => Date) {}

  async expiringBefore(before: Date, limit = 500) {
    return [...this.consents]
      .filter(([, c]) => c.authorised && c.expiresAt <= before && c.expiresAt > this.now())
      .sort(([, a], [, b]) => a.expiresAt.getTime() - b.expiresAt.getTime())
      .slice(0, limit)
      .map(([consentId, c]) => ({ consentId, clientId: 'app', expiresAt: c.expiresAt }));
  }

  async consentExpiring(consentId: string) {
    const c = this.consents.get(consentId);
    if (!c?.authorised) return false;
    const key = `${consentId}:${c.expiresAt.toISOString()}`;
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    this.written.push({ consentId, expiresAt: c.expiresAt.toISOString() });
    return true;
  }
}

function setup(noticeDays = 7) {
  let now = new Date('2026-12-01T00:00:00Z');
  const clock = { now: () => now };
  const outbox = new MemoryOutbox(() => now);
  const at = (days: number) => new Date(now.getTime() + days * day);
  const notices = new ExpiryNotices({ outbox, clock, noticeDays });
  return {
    outbox,
    notices,
    at,
    advance: (days: number) => (now = at(days)),
  };
}

describe('consent expiry notices', () => {
  it('tell about consents lapsing within the notice period, once each', async () => {
    const s = setup();
    s.outbox.consents.set('soon', { expiresAt: s.at(3), authorised: true });
    s.outbox.consents.set('edge', { expiresAt: s.at(7), authorised: true });
    s.outbox.consents.set('later', { expiresAt: s.at(20), authorised: true });
    s.outbox.consents.set('revoked', { expiresAt: s.at(2), authorised: false });
    s.outbox.consents.set('lapsed', { expiresAt: s.at(-1), authorised: true });

    expect(await s.notices.tick()).toEqual({ written: 2 });
    expect(s.outbox.written.map((w) => w.consentId).sort()).toEqual(['edge', 'soon']);
    // Hourly ticks for the rest of the day write nothing new.
    for (let h = 0; h < 24; h++) {
      s.advance(1 / 24);
      expect(await s.notices.tick()).toEqual({ written: 0 });
    }
    // Thirteen days on, the later one comes into the period.
    s.advance(12);
    expect(await s.notices.tick()).toEqual({ written: 1 });
    expect(s.outbox.written.at(-1)!.consentId).toBe('later');
  });

  it('tell again when a renewed consent nears its new date', async () => {
    const s = setup();
    s.outbox.consents.set('renewed', { expiresAt: s.at(5), authorised: true });
    await s.notices.tick();
    s.outbox.consents.set('renewed', { expiresAt: s.at(90), authorised: true });
    expect(await s.notices.tick()).toEqual({ written: 0 });
    s.advance(84);
    expect(await s.notices.tick()).toEqual({ written: 1 });
    expect(s.outbox.written.map((w) => w.consentId)).toEqual(['renewed', 'renewed']);
  });

  it('two replicas ticking at once write each notice once', async () => {
    const s = setup();
    for (let i = 0; i < 20; i++)
      s.outbox.consents.set(`c${i}`, { expiresAt: s.at(1 + i / 4), authorised: true });
    const other = new ExpiryNotices({
      outbox: s.outbox,
      clock: { now: () => s.at(0) },
      noticeDays: 7,
    });
    const [a, b] = await Promise.all([s.notices.tick(), other.tick()]);
    expect(a.written + b.written).toBe(20);
    expect(s.outbox.written).toHaveLength(20);
  });

  it('are off with a notice period of 0', async () => {
    const s = setup(0);
    s.outbox.consents.set('soon', { expiresAt: s.at(1), authorised: true });
    expect(await s.notices.tick()).toEqual({ written: 0 });
    expect(s.outbox.written).toEqual([]);
  });
});
