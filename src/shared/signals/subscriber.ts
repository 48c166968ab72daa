import { silentLogger, type Logger } from '../log/index.ts';
import { registry } from '../metrics/index.ts';
import { consentIdOf, signalChannels } from './channels.ts';
import { closeRedis, redisConnection } from './redis.ts';

const subscribed = registry.gauge(
  'ledgergraph_signals_subscribed',
  'Signal subscriptions currently live in this process (0: caches that need them are bypassed)',
);
const received = registry.counter(
  'ledgergraph_signals_received_total',
  'Signals received from Redis, by signal',
  ['signal'],
);

export interface SignalHandlers {
  /** A consent changed; undefined when a message named none (forget every consent). */
  consentChanged(consentId: string | undefined): void;
  keysRotated(): void;
  /**
   * false as soon as signals may be missed (connection lost), true once subscribed again.
   * Whatever was learnt before a `true` may be stale: signals sent meanwhile are lost.
   */
  liveChanged(live: boolean): void;
}

export interface SignalSubscriberOptions {
  prefix?: string;
  log?: Logger;
}

export interface SignalSubscriber {
  /** Subscribed now, so a signal published from here on will arrive. */
  readonly live: boolean;
  close(): Promise<void>;
}

/**
 * Listens for the consent service's signals. Redis pub/sub delivers at most once and only
 * while connected, so `live` is what a receiver must check before trusting what it cached.
 */
export function createSignalSubscriber(
  url: string,
  handlers: SignalHandlers,
  o: SignalSubscriberOptions = {},
): SignalSubscriber {
  const log = o.log ?? silentLogger;
  const channels = signalChannels(o.prefix);
  // Subscribing ourselves on every `ready` (instead of ioredis's auto-resubscribe) tells us
  // when the subscription, not just the socket, is back.
  const redis = redisConnection(url, 'ledgergraph-signals-subscriber', log, {
    autoResubscribe: false,
    enableOfflineQueue: false,
  });
  let live = false;
  let connection = 0;
  let closed = false;
  const setLive = (value: boolean) => {
    if (value === live) return;
    live = value;
    if (value) subscribed.inc();
    else subscribed.dec();
    handlers.liveChanged(value);
  };

  redis.on('ready', () => {
    const current = ++connection;
    redis.subscribe(channels.consentChanged, channels.keysRotated).then(
      () => {
        if (current === connection && redis.status === 'ready' && !closed) setLive(true);
      },
      (error: unknown) => log.warn('signal subscription failed', { error }),
    );
  });
  const lost = () => {
    connection += 1;
    setLive(false);
  };
  redis.on('close', lost);
  redis.on('end', lost);
  redis.on('message', (channel: string, message: string) => {
    if (channel === channels.consentChanged) {
      received.inc({ signal: 'consent-changed' });
      handlers.consentChanged(consentIdOf(message));
    } else if (channel === channels.keysRotated) {
      received.inc({ signal: 'keys-rotated' });
      handlers.keysRotated();
    }
  });

  return {
    get live() {
      return live;
    },
    async close() {
      closed = true;
      lost();
      await closeRedis(redis);
    },
  };
}
