import type { EventsConfig } from '../../../../shared/config/index.ts';

/** The embedded defaults, for a subgraph built without configuration (tests of its parts). */
export const defaultEventsConfig: EventsConfig = {
  pollIntervalMs: 500,
  retentionDays: 30,
  webhooks: {
    timeoutMs: 10_000,
    retryBaseMs: 5_000,
    retryMaxDelayMs: 3_600_000,
    retryWindowMs: 25 * 3_600_000,
    sandboxMode: false,
  },
};
