import type { Config } from '../../config/index.ts';
import type { Logger } from '../../log/index.ts';
import { NatsTransport } from './transport.ts';

/**
 * The installation's NATS transport when NATS_URL is set; undefined for the embedded default
 * (no broker), where the services keep their in-process or HTTP transport.
 */
export async function natsTransportOf(
  config: Pick<Config, 'nats'>,
  service: string,
  log?: Logger,
): Promise<NatsTransport | undefined> {
  if (!config.nats.url) return undefined;
  return NatsTransport.connect({
    url: config.nats.url,
    prefix: config.nats.prefix,
    name: `ledgergraph-${service}`,
    log,
  });
}
