import { createGateway } from '../../src/gateway/index.ts';
import { remoteIssuer } from '../../src/shared/auth/verify.ts';
import type { GatewayConfig } from '../../src/shared/config/index.ts';
import { createRouter, listen } from '../../src/shared/http/server.ts';
import { createLogger } from '../../src/shared/log/index.ts';
import { internalSecretOf } from '../../src/shared/service/index.ts';
import type { TestSystem } from '../support/system.ts';

/**
 * A second gateway over a running test system's subgraphs, with its own settings and a
 * logger whose lines the test reads.
 */
export async function gatewayOver(
  t: TestSystem,
  o: { settings?: Partial<GatewayConfig>; maxBodyBytes?: number; supergraphSdl?: string } = {},
) {
  const lines: Record<string, unknown>[] = [];
  const gateway = await createGateway({
    supergraphSdl: o.supergraphSdl ?? t.system.supergraphSdl,
    internalSecret: internalSecretOf(t.config),
    issuers: [remoteIssuer(t.config.tokens.issuer, `${t.system.subgraphUrls.consent}/jwks`)],
    audience: t.config.tokens.audience,
    consentServiceUrl: t.system.subgraphUrls.consent,
    maxBodyBytes: o.maxBodyBytes ?? t.config.maxBodyBytes,
    settings: { ...t.config.gateway, ...o.settings },
    log: createLogger('debug', (l) => lines.push(JSON.parse(l) as Record<string, unknown>)),
  });
  const served = await listen(createRouter(gateway.routes), 0, '127.0.0.1');
  return {
    url: served.url,
    lines,
    async stop() {
      await served.close();
      await gateway.stop();
    },
  };
}
