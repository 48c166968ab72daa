import type { Principal } from '../../../src/shared/auth/principal.ts';

/** The demo client app as the webhook services see it when it manages its endpoints. */
export const demoClient: Principal = {
  kind: 'client',
  subject: 'demo-pfm',
  clientId: 'demo-pfm',
  scopes: ['consents:manage'],
  tokenId: 't',
  issuer: 'test',
  expiresAt: 0,
};

/** Dispatcher timings for tests: polls, timeouts and backoff in milliseconds, not minutes. */
export const quickDispatch = {
  pollIntervalMs: 20,
  timeoutMs: 2_000,
  retryBaseMs: 20,
  retryMaxDelayMs: 80,
  retryWindowMs: 60_000,
  sandboxMode: true,
} as const;
