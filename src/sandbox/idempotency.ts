import { canonicalJson, type Reply } from './http.js';
import type { StateStore } from './state.js';

const KEY_LIFETIME_MS = 24 * 60 * 60_000;

export interface Remembered {
  fingerprint: string;
  reply: Reply;
  storedAt: number;
}

export type IdempotencyOutcome =
  { kind: 'new'; fingerprint: string } | { kind: 'replay'; reply: Reply } | { kind: 'conflict' };

/**
 * Same key and same body within 24 h: the first answer again and nothing new is created.
 * Same key, different body: refused. Keys are scoped per endpoint.
 */
export class IdempotencyStore {
  constructor(
    private readonly entries: StateStore<Remembered>,
    private readonly now: () => number,
  ) {}

  check(scope: string, key: string, body: unknown): IdempotencyOutcome {
    const fingerprint = canonicalJson(body);
    const entry = this.entries.get(`${scope} ${key}`);
    if (!entry || this.now() - entry.storedAt > KEY_LIFETIME_MS) {
      return { kind: 'new', fingerprint };
    }
    return entry.fingerprint === fingerprint
      ? { kind: 'replay', reply: entry.reply }
      : { kind: 'conflict' };
  }

  remember(scope: string, key: string, fingerprint: string, reply: Reply): void {
    this.entries.set(`${scope} ${key}`, { fingerprint, reply, storedAt: this.now() });
  }
}
