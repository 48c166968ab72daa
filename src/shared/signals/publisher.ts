import { silentLogger, type Logger } from '../log/index.ts';
import { registry } from '../metrics/index.ts';
import { signalChannels, type ConsentChanged } from './channels.ts';
import { closeRedis, redisConnection } from './redis.ts';

const unpublished = registry.counter(
  'ledgergraph_signals_unpublished_total',
  'Signals that could not be published to Redis (receivers rely on their cache TTL)',
  ['signal'],
);

export interface SignalPublisherOptions {
  prefix?: string;
  log?: Logger;
  /** How long a publish may wait for Redis, connecting included. Default 2 000 ms. */
  timeoutMs?: number;
}

export interface SignalPublisher {
  /** Call once the change has committed; never throws (the change stands either way). */
  consentChanged(change: ConsentChanged): Promise<void>;
  keysRotated(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Publishes the consent service's changes for every gateway replica. A publish that fails
 * is logged and counted, not retried: the change is already committed, and receivers bound
 * what they may miss by their cache TTL (docs/DECISIONS.md, grant cache).
 */
export function createSignalPublisher(
  url: string,
  o: SignalPublisherOptions = {},
): SignalPublisher {
  const log = o.log ?? silentLogger;
  const channels = signalChannels(o.prefix);
  // The offline queue lets a short-lived process (`keys rotate`) publish before the
  // connection is up; the command timeout bounds the wait when Redis is down.
  const redis = redisConnection(url, 'ledgergraph-signals-publisher', log, {
    enableOfflineQueue: true,
    commandTimeout: o.timeoutMs ?? 2_000,
    maxRetriesPerRequest: 1,
  });
  const publish = async (signal: string, channel: string, message: string) => {
    try {
      await redis.publish(channel, message);
    } catch (error) {
      unpublished.inc({ signal });
      log.error('signal not published', { signal, error });
    }
  };
  return {
    consentChanged: (change) =>
      publish(
        'consent-changed',
        channels.consentChanged,
        JSON.stringify({ consentId: change.consentId, status: change.status }),
      ),
    keysRotated: () => publish('keys-rotated', channels.keysRotated, '{}'),
    close: () => closeRedis(redis),
  };
}
