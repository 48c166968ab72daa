import type { AuditRecorder, AuditStore } from '../../shared/audit/index.ts';
import type { SubgraphContext } from '../../shared/auth/context.ts';
import { verifyServiceCall } from '../../shared/auth/internal-context.ts';
import type { Clock } from '../../shared/clock.ts';
import { buildSubgraph } from '../../shared/federation/build-subgraph.ts';
import { sendJson } from '../../shared/http/graphql-handler.ts';
import { createSubgraphServer } from '../../shared/http/subgraph.ts';
import type { Route } from '../../shared/http/server.ts';
import type { Logger } from '../../shared/log/index.ts';
import type { SignalPublisher } from '../../shared/signals/index.ts';
import type { ConsentDb } from './db/client.ts';
import { createAuthorizationServer } from './authorization/index.ts';
import type { AuthorizationTtl } from './authorization/provider.ts';
import { PsuAccountLister } from './authorization/psu-accounts.ts';
import type { SecretBox } from '../../shared/crypto/secret-box.ts';
import { tokenEndpoint, type TokenEndpointOptions } from './http/token-endpoint.ts';
import { createConsentLoaders } from './loaders/index.ts';
import type { ConsentContext } from './resolvers/context.ts';
import { consentSubgraph } from './definition.ts';
import { AuditResolver } from './resolvers/audit.resolver.ts';
import { ConsentResolver } from './resolvers/consent.resolver.ts';
import { PsuResolver } from './resolvers/psu.resolver.ts';
import { consentReferences } from './resolvers/references.ts';
import { AuditReadService } from './services/audit.service.ts';
import { ConsentUsage } from './services/consent-usage.ts';
import { ConsentService, type AccountOwnership } from './services/consent.service.ts';
import { SigningKeyService, type SigningAlg } from './services/signing-keys.service.ts';
import { TokenService } from './services/token.service.ts';
import { WebhookResolver } from './resolvers/webhook.resolver.ts';
import { createConsentEvents } from './services/events/index.ts';
import { defaultEventsConfig } from './services/events/defaults.ts';
import type { EventsConfig } from '../../shared/config/index.ts';
import type { EventTransport } from '../../shared/events/types.ts';
import { InProcessTransport } from '../../shared/events/in-process.ts';

export const consentGrantAudience = 'consent:grant';

export interface ConsentSubgraphOptions {
  db: ConsentDb;
  clock: Clock;
  internalSecret: string;
  maxBodyBytes: number;
  /** Records every resolver call of this subgraph. */
  audit?: AuditRecorder;
  /** The audit store the compliance read side searches. */
  auditStore?: AuditStore;
  /** graphql-shield; off only when a benchmark asks (default on). */
  shield?: boolean;
  log?: Logger;
  /** Throttles, lockout records and the forwarded client address of `POST /token`. */
  tokenEndpoint?: TokenEndpointOptions;
  /** Tells every gateway replica of consent changes and key rotations (Redis). */
  signals?: SignalPublisher;
  /** Which account ids are a PSU's (the accounts service); checked at authorisation. */
  accounts?: AccountOwnership;
  /** Where every service's events arrive, and delivery settings; default: in process. */
  events?: { transport: EventTransport; config: EventsConfig };
  /** Consent's own key: seals PSUs' TOTP secrets and webhook signing secrets. */
  box: SecretBox;
  /** The authorization server (PAR, hosted sign-in and consent pages); unset: none. */
  authorization?: {
    /** The accounts subgraph, asked for the PSU's accounts on the consent screen. */
    accountsGraphqlUrl: string;
    ttl?: Partial<AuthorizationTtl>;
  };
  tokens: {
    issuer: string;
    audience: string;
    ttlSeconds: number;
    alg: SigningAlg;
    rotationLeadSeconds: number;
  };
}

/**
 * The consent subgraph: GraphQL for parties and consents, plus the OAuth token endpoint,
 * the JWKS, and the grant lookup the gateway makes on every consent-bound request.
 */
export async function createConsentSubgraph(o: ConsentSubgraphOptions) {
  const consents = new ConsentService(o.db, o.clock, o.signals?.consentChanged, o.accounts);
  const keys = new SigningKeyService(
    o.db,
    o.clock,
    {
      alg: o.tokens.alg,
      tokenTtlSeconds: o.tokens.ttlSeconds,
      rotationLeadSeconds: o.tokens.rotationLeadSeconds,
    },
    o.signals?.keysRotated,
  );
  const tokens = new TokenService(o.db, consents, keys, o.clock, o.tokens);
  await keys.current();
  const events = createConsentEvents({
    db: o.db,
    clock: o.clock,
    transport: o.events?.transport ?? new InProcessTransport(),
    config: o.events?.config ?? defaultEventsConfig,
    internalSecret: o.internalSecret,
    box: o.box,
    log: o.log,
  });

  const auditRead = new AuditReadService(o.auditStore, o.db);
  const { schema, sdl } = await buildSubgraph(consentSubgraph, {
    instances: [
      new ConsentResolver(consents),
      new PsuResolver(consents),
      new AuditResolver(auditRead),
      new WebhookResolver(events),
    ],
    references: consentReferences(consents),
    shield: o.shield,
  });
  const { server, routes } = await createSubgraphServer<ConsentContext>({
    name: 'consent',
    schema,
    internalSecret: o.internalSecret,
    maxBodyBytes: o.maxBodyBytes,
    audit: o.audit,
    logger: o.log,
    extendContext: (base: SubgraphContext) => ({ ...base, loaders: createConsentLoaders(o.db) }),
  });

  const grant: Route = async (req, res, url) => {
    const bearer = /^bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!(await verifyServiceCall(bearer, consentGrantAudience, o.internalSecret))) {
      return sendJson(res, 401, { error: 'unauthorized' });
    }
    sendJson(res, 200, { grant: await consents.grant(url.searchParams.get('id') ?? '') });
  };

  const authorization = o.authorization
    ? await createAuthorizationServer({
        db: o.db,
        clock: o.clock,
        issuer: o.tokens.issuer,
        secret: o.internalSecret,
        tokens,
        keys,
        consents,
        accounts: new PsuAccountLister({
          accountsGraphqlUrl: o.authorization.accountsGraphqlUrl,
          secret: o.internalSecret,
        }),
        auditRead,
        usage: new ConsentUsage(o.auditStore),
        box: o.box,
        ...(o.tokenEndpoint?.throttles ? { throttles: o.tokenEndpoint.throttles } : {}),
        guard: o.tokenEndpoint ?? {},
        internalSecret: o.tokenEndpoint?.internalSecret ?? o.internalSecret,
        ...(o.authorization.ttl ? { ttl: o.authorization.ttl } : {}),
        ...(o.log ? { log: o.log } : {}),
      })
    : {};

  return {
    schema,
    sdl,
    server,
    services: { consents, keys, tokens, events },
    routes: {
      ...routes,
      ...authorization,
      'POST /token': tokenEndpoint(tokens, o.tokenEndpoint),
      'GET /jwks': async (_req, res) =>
        sendJson(res, 200, await keys.jwks(), { 'cache-control': 'max-age=60' }),
      'GET /internal/consent-grant': grant,
      ...events.routes,
    } as Record<string, Route>,
  };
}
