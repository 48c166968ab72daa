import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/shared/clock.ts';
import {
  migrateConsentDb,
  openConsentDb,
  type ConsentDb,
} from '../../src/subgraphs/consent/db/client.ts';
import { SigningKeyService } from '../../src/subgraphs/consent/services/signing-keys.service.ts';

class FrozenClock implements Clock {
  constructor(public ms: number) {}
  now() {
    return new Date(this.ms);
  }
}

describe('signing key rotation', () => {
  let dir: string;
  let db: ConsentDb;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lg-keys-'));
    const url = `file:${join(dir, 'c.db')}`;
    await migrateConsentDb(url);
    db = openConsentDb(url);
  });
  afterAll(async () => {
    await db.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes the next key first, signs with it after the lead, retires the old one after its tokens expire', async () => {
    const clock = new FrozenClock(Date.parse('2026-05-01T00:00:00Z'));
    const keys = new SigningKeyService(db, clock, {
      alg: 'ES256',
      tokenTtlSeconds: 300,
      rotationLeadSeconds: 60,
    });
    const first = (await keys.current()).kid;
    expect((await keys.jwks()).keys.map((k) => k.kid)).toEqual([first]);

    const { kid: next, activatesAt } = await keys.rotate();
    expect(activatesAt.toISOString()).toBe('2026-05-01T00:01:00.000Z');
    expect((await keys.jwks()).keys.map((k) => k.kid)).toEqual([next, first]);
    expect((await keys.current()).kid).toBe(first);

    clock.ms += 60_000;
    expect((await keys.current()).kid).toBe(next);
    // Tokens signed by the old key up to activation live 300 s; 60 s grace for skew.
    clock.ms += 359_000;
    expect((await keys.jwks()).keys.map((k) => k.kid)).toEqual([next, first]);
    clock.ms += 1_000;
    expect((await keys.jwks()).keys.map((k) => k.kid)).toEqual([next]);
    expect(await keys.prune()).toBe(1);
  });

  it('never publishes private key material', async () => {
    const keys = new SigningKeyService(db, new FrozenClock(Date.now()), {
      alg: 'PS256',
      tokenTtlSeconds: 300,
      rotationLeadSeconds: 0,
    });
    await keys.rotate();
    for (const k of (await keys.jwks()).keys) {
      expect(Object.keys(k).filter((p) => ['d', 'p', 'q', 'dp', 'dq', 'qi'].includes(p))).toEqual(
        [],
      );
    }
  });
});
