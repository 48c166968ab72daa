import { randomUUID } from 'node:crypto';
import type { Principal } from '../../../../shared/auth/principal.ts';
import type { Clock } from '../../../../shared/clock.ts';
import { isLoopbackHost } from '../../../../shared/config/hosts.ts';
import { badInput, notFound } from '../../../../shared/errors/index.ts';
import { isPublicAddress, resolveAll } from '../../../../shared/events/address-guard.ts';
import { newWebhookSecret } from '../../../../shared/events/signature.ts';
import { eventTypes, type EventType } from '../../../../shared/events/types.ts';
import type { ConsentDb } from '../../db/client.ts';
import type { WebhookSecrets } from './webhook-secrets.ts';

export type WebhookEndpointRow = NonNullable<
  Awaited<ReturnType<ConsentDb['webhookEndpoint']['findUnique']>>
>;

export interface EndpointOptions {
  /** Seals the signing secrets at rest. */
  secrets: WebhookSecrets;
  /** Loopback and private receivers, and http:// to loopback, allowed (development only). */
  sandboxMode: boolean;
  /** How long the secret before a rotation still signs beside the new one. */
  rotationOverlapMs?: number;
  /** Resolves a host name to addresses (tests substitute answers); default: the system's. */
  resolve?: (hostname: string) => Promise<string[]>;
}

const maxEndpointsPerClient = 10;
const maxUrlLength = 2000;
const dayMs = 86_400_000;

/**
 * A client app's webhook endpoints: registered, rotated and disabled with its own client
 * token, never another's. The secret is shown once, at creation or rotation, and stored only
 * sealed.
 */
export class WebhookEndpointService {
  constructor(
    private readonly db: ConsentDb,
    private readonly clock: Clock,
    private readonly o: EndpointOptions,
  ) {}

  list(client: Principal): Promise<WebhookEndpointRow[]> {
    return this.db.webhookEndpoint.findMany({
      where: { clientAppId: client.clientId },
      orderBy: { createdAt: 'asc' },
    });
  }

  async create(
    client: Principal,
    input: { url: string; eventTypes: string[] },
  ): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
    const url = await this.checkedUrl(input.url);
    const types = checkedTypes(input.eventTypes);
    const count = await this.db.webhookEndpoint.count({
      where: { clientAppId: client.clientId, status: 'Enabled' },
    });
    if (count >= maxEndpointsPerClient) {
      throw badInput(`At most ${maxEndpointsPerClient} enabled webhook endpoints per client app`);
    }
    const secret = newWebhookSecret();
    const now = this.clock.now();
    const id = `whe_${randomUUID()}`;
    const endpoint = await this.db.webhookEndpoint.create({
      data: {
        id,
        clientAppId: client.clientId,
        url,
        eventTypes: types.join(' '),
        sealedSecret: this.o.secrets.seal(id, secret, 'current'),
        status: 'Enabled',
        createdAt: now,
        updatedAt: now,
      },
    });
    return { endpoint, secret };
  }

  /** A new secret; the old one keeps signing beside it for a while, so receivers can switch. */
  async rotateSecret(
    client: Principal,
    id: string,
  ): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
    const current = await this.owned(client, id);
    const old = this.o.secrets.openCurrent(current);
    const secret = newWebhookSecret();
    const now = this.clock.now();
    const endpoint = await this.db.webhookEndpoint.update({
      where: { id: current.id },
      data: {
        sealedSecret: this.o.secrets.seal(current.id, secret, 'current'),
        sealedPreviousSecret: old && this.o.secrets.seal(current.id, old, 'previous'),
        previousSecretUntil: new Date(now.getTime() + (this.o.rotationOverlapMs ?? dayMs)),
        updatedAt: now,
      },
    });
    return { endpoint, secret };
  }

  async disable(client: Principal, id: string): Promise<WebhookEndpointRow> {
    const current = await this.owned(client, id);
    return this.db.webhookEndpoint.update({
      where: { id: current.id },
      data: {
        status: 'Disabled',
        disabledReason: current.disabledReason ?? 'Disabled by the client app',
        updatedAt: this.clock.now(),
      },
    });
  }

  private async owned(client: Principal, id: string): Promise<WebhookEndpointRow> {
    const row = await this.db.webhookEndpoint.findUnique({ where: { id } });
    if (!row || row.clientAppId !== client.clientId) throw notFound('No such webhook endpoint');
    return row;
  }

  /**
   * https only, except http:// to loopback in sandbox mode; outside it, every address the
   * host resolves to must be public (checked again at each delivery's connect).
   */
  private async checkedUrl(raw: string): Promise<string> {
    const refuse = (why: string) => badInput(`url: ${why}`, { field: 'url' });
    if (raw.length > maxUrlLength) throw refuse(`at most ${maxUrlLength} characters`);
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw refuse('not an absolute URL');
    }
    if (url.username || url.password) throw refuse('must not carry credentials');
    if (url.hash) throw refuse('must not have a fragment');
    const loopback = isLoopbackHost(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback && this.o.sandboxMode))
      throw refuse(
        this.o.sandboxMode
          ? 'must be https (or http to loopback in sandbox mode)'
          : 'must be https',
      );
    if (!this.o.sandboxMode) {
      let addresses: string[];
      try {
        addresses = await (this.o.resolve ?? resolveAll)(url.hostname.replace(/^\[|\]$/g, ''));
      } catch {
        throw refuse('the host name does not resolve');
      }
      if (addresses.length === 0 || !addresses.every(isPublicAddress)) {
        throw refuse('resolves to a private, link-local or loopback address');
      }
    }
    return url.toString();
  }
}

function checkedTypes(types: string[]): EventType[] {
  const unique = [...new Set(types)];
  const unknown = unique.filter((t) => !(eventTypes as readonly string[]).includes(t));
  if (unique.length === 0 || unknown.length > 0) {
    throw badInput(`eventTypes: choose from ${eventTypes.join(', ')}`, {
      field: 'eventTypes',
      unknown,
    });
  }
  return unique as EventType[];
}
