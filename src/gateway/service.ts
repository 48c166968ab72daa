import { remoteIssuer } from '../shared/auth/verify.ts';
import type { Config } from '../shared/config/index.ts';
import { setupTracing } from '../shared/tracing/index.ts';
import type { ReadinessCheck } from '../shared/http/ops.ts';
import {
  serveService,
  serviceLog,
  internalSecretOf,
  type ServiceDeps,
} from '../shared/service/index.ts';
import { createGateway } from './index.ts';
import { subgraphsOf } from './ops.ts';
import type { SandboxCredentials } from './playground/sandbox-token.ts';
import { warnIfSandboxTokenExposed } from './playground/exposure.ts';

export interface GatewayServiceDeps extends Pick<ServiceDeps, 'log'> {
  /** The composed supergraph, with each subgraph's GraphQL URL in it. */
  supergraphSdl: string;
  /** The consent service's origin (token endpoint, JWKS, grant lookup). */
  consentUrl: string;
  /** The embedded default adds its databases; a lone gateway checks only the subgraphs. */
  readinessChecks?: Record<string, ReadinessCheck>;
  /** The demo parties the playground's sandbox token uses, where demo data is seeded. */
  sandboxCredentials?: SandboxCredentials;
}

/** The gateway: token checks, limits, query planning over the subgraphs, playground. */
export async function startGatewayService(config: Config, deps: GatewayServiceDeps) {
  const log = serviceLog(config, 'gateway', deps);
  const stopTracing = await setupTracing({
    serviceName: 'gateway',
    endpoint: config.tracing.endpoint,
  });
  // PORT=0 (tests) makes the default public URL name port 0: the listening address then.
  const bound: { url?: string } = {};
  const publicUrl = () =>
    new URL(config.publicUrl).port === '0' && bound.url ? bound.url : config.publicUrl;
  const gateway = await createGateway({
    supergraphSdl: deps.supergraphSdl,
    internalSecret: internalSecretOf(config),
    audience: config.tokens.audience,
    issuers: [
      remoteIssuer(config.tokens.issuer, `${deps.consentUrl}/jwks`),
      ...config.tokens.trustedIssuers.map((t) => remoteIssuer(t.issuer, t.jwksUrl, t)),
    ],
    consentServiceUrl: deps.consentUrl,
    maxBodyBytes: config.maxBodyBytes,
    settings: config.gateway,
    redisUrl: config.redis.url,
    redisPrefix: config.redis.keyPrefix,
    readinessChecks: deps.readinessChecks,
    publicUrl,
    accountsServiceUrl: originOf(deps.supergraphSdl, 'accounts'),
    paymentsServiceUrl: originOf(deps.supergraphSdl, 'payments'),
    sandboxCredentials: config.seedDemoData ? deps.sandboxCredentials : undefined,
    log,
  });
  warnIfSandboxTokenExposed(config, !!deps.sandboxCredentials, log);
  const listening = await serveService(config, config.port, gateway.routes, log);
  bound.url = listening.url;
  return {
    name: 'gateway' as const,
    url: listening.url,
    /** Where browsers and client apps reach this gateway (PUBLIC_URL). */
    publicUrl: publicUrl(),
    async stop() {
      await listening.close();
      await stopTracing();
      await gateway.stop();
    },
  };
}

function originOf(supergraphSdl: string, name: string): string | undefined {
  const subgraph = subgraphsOf(supergraphSdl).find((g) => g.name === name);
  return subgraph && new URL(subgraph.url).origin;
}
