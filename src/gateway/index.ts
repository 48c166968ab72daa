import { bearerToken, type Issuer } from '../shared/auth/verify.ts';
import { AppError, ErrorCode } from '../shared/errors/index.ts';
import { sendGraphQLError } from '../shared/http/graphql-handler.ts';
import type { Route } from '../shared/http/server.ts';
import { createAuthenticator } from './authenticate.ts';
import { refuse } from './errors.ts';
import type { GatewayConfig } from '../shared/config/index.ts';
import { silentLogger, type Logger } from '../shared/log/index.ts';
import type { SandboxCredentials } from './playground/sandbox-token.ts';
import { createConcurrencyCap } from './limits/index.ts';
import { graphqlErrors, inFlight } from './metrics.ts';
import { opsRoutes, subgraphCheck, subgraphsOf, type ReadinessCheck } from './ops.ts';
import { playgroundRoutes } from './playground/index.ts';
import { markMissingToken, markRefused } from './refusals.ts';
import { instrument, oneAuthorization, requestInfo } from './request.ts';
import { connectSharedState } from './shared-state.ts';
import { tokenProxy } from './token-proxy.ts';
import { proxyTo } from './proxy.ts';
import {
  bankCallbackPath,
  consentPagePaths,
  pageProxy,
  paymentCallbackPath,
} from './page-proxy.ts';
import { readOperation } from './engine/http.ts';
import { createEngine } from './engine/index.ts';
import { inputChecker } from './engine/input.ts';

export { interactionId } from './request.ts';
export { playgroundPath } from './playground/index.ts';

export interface GatewayOptions {
  supergraphSdl: string;
  internalSecret: string;
  issuers: Issuer[];
  audience: string;
  /** Base URL of the consent service (token endpoint, JWKS, grant lookup). */
  consentServiceUrl: string;
  maxBodyBytes: number;
  /** Limits, rate, capacity, introspection and playground settings. */
  settings: GatewayConfig;
  /** Extra readiness checks (databases); every subgraph is checked anyway. */
  readinessChecks?: Record<string, ReadinessCheck>;
  /** Demo credentials for the playground's sandbox token (used only when that is on). */
  sandboxCredentials?: SandboxCredentials;
  /** Redis shared by replicas: one rate-limit budget, and a grant cache kept exact by signals. */
  redisUrl?: string;
  /** Prefix of Redis keys and channels; the consent service's publisher must use the same. */
  redisPrefix?: string;
  /**
   * The gateway's public URL (PUBLIC_URL), read per request: the authorization server and
   * the PSU's pages behind the gateway name it in every absolute URL. Unset: no such pages.
   */
  publicUrl?: () => string;
  /** The accounts service's origin: the banks send the PSU back to its callback through us. */
  accountsServiceUrl?: string;
  /** The payments service's origin: banks send the PSU back to its payment callback through us. */
  paymentsServiceUrl?: string;
  log?: Logger;
}

const graphqlPath = '/graphql';

/**
 * The gateway's routes. A GraphQL request goes through the capacity cap, one Authorization
 * header, the authenticator, the client's rate, then the operation as sent (body limit,
 * input checks) to the engine (engine/), which plans it over the subgraphs.
 */
export async function createGateway(o: GatewayOptions) {
  const log = o.log ?? silentLogger;
  const s = o.settings;
  const engine = createEngine({
    supergraphSdl: o.supergraphSdl,
    internalSecret: o.internalSecret,
    limits: s.limits,
    allowIntrospection: s.allowIntrospection,
    maxInFlight: s.maxConcurrentRequests,
    log,
  });
  const shared = connectSharedState({
    redisUrl: o.redisUrl,
    prefix: o.redisPrefix,
    rateLimit: s.rateLimit,
    issuers: o.issuers,
    log,
  });
  const authenticate = createAuthenticator({
    issuers: o.issuers,
    audience: o.audience,
    consentGrantUrl: `${o.consentServiceUrl}/internal/consent-grant`,
    internalSecret: o.internalSecret,
    grantCache: shared.grantCache,
    verifiedTokens: shared.verifiedTokens,
  });
  const { takeToken } = shared;
  const capacity = createConcurrencyCap(s.maxConcurrentRequests, inFlight);
  const checkInput = inputChecker(s.limits);

  const graphql: Route = async (req, res) => {
    const info = requestInfo(req);
    const accept = req.headers.accept;
    try {
      const release = capacity.acquire();
      res.once('close', release);
      oneAuthorization(req);
      const customerIp = req.headers['x-fapi-customer-ip-address'];
      const internal = await authenticate(
        req.headers.authorization,
        info.id,
        typeof customerIp === 'string' ? customerIp : undefined,
      );
      info.clientId = internal.principal.clientId;
      await takeToken(internal.principal.clientId);
      let operation;
      try {
        operation = await readOperation(req, o.maxBodyBytes);
        checkInput(operation);
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        graphqlErrors.inc({ code: e.code });
        markRefused(info, e);
        // An oversize body may still be arriving: do not offer the connection for reuse.
        const close: Record<string, string> = e.details.http === 413 ? { connection: 'close' } : {};
        return sendGraphQLError(res, e, close, accept);
      }
      const method = req.method === 'GET' ? 'GET' : 'POST';
      const errors = await engine.respond(
        res,
        operation,
        { internal, request: info },
        { method, accept },
      );
      for (const e of errors) graphqlErrors.inc({ code: String(e.extensions?.code ?? 'UNKNOWN') });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      // The body is not read: drain it so the connection can be reused.
      req.resume();
      if (e.code === ErrorCode.UNAUTHENTICATED && !bearerToken(req.headers.authorization))
        markMissingToken(info);
      markRefused(info, e);
      refuse(res, e, challengeFor(e), accept);
    }
  };

  /** Runs an operation in-process as the holder of `token` (the sandbox flow). */
  const runAs = async (token: string, query: string, variables?: Record<string, unknown>) => {
    const internal = await authenticate(`Bearer ${token}`, 'playground-sandbox');
    const { body } = await engine.execute({ query, variables }, { internal });
    if (body.errors?.length || !body.data) throw new Error(body.errors?.[0]?.message ?? 'no data');
    return body.data as Record<string, unknown>;
  };

  const checks: Record<string, ReadinessCheck> = {
    ...Object.fromEntries(
      subgraphsOf(o.supergraphSdl).map((g) => [`subgraph:${g.name}`, subgraphCheck(g.url)]),
    ),
    ...o.readinessChecks,
  };
  const sandbox =
    s.playgroundSandboxToken && o.sandboxCredentials
      ? {
          authorizationServer: o.consentServiceUrl,
          credentials: o.sandboxCredentials,
          run: runAs,
        }
      : undefined;

  const routes: Record<string, Route> = {
    [`POST ${graphqlPath}`]: graphql,
    [`GET ${graphqlPath}`]: graphql,
    'POST /token': tokenProxy(`${o.consentServiceUrl}/token`, o.internalSecret),
    'GET /.well-known/jwks.json': proxyTo(`${o.consentServiceUrl}/jwks`),
    ...(o.publicUrl ? consentPages(o.consentServiceUrl, o.internalSecret, o.publicUrl) : {}),
    ...(o.publicUrl && o.accountsServiceUrl
      ? {
          [`GET ${bankCallbackPath}`]: pageProxy({
            target: o.accountsServiceUrl,
            internalSecret: o.internalSecret,
            publicUrl: o.publicUrl,
          }),
        }
      : {}),
    ...(o.publicUrl && o.paymentsServiceUrl
      ? {
          [`GET ${paymentCallbackPath}`]: pageProxy({
            target: o.paymentsServiceUrl,
            internalSecret: o.internalSecret,
            publicUrl: o.publicUrl,
          }),
        }
      : {}),
    ...opsRoutes(checks),
    ...(s.playground ? playgroundRoutes({ graphqlPath, sandbox }) : {}),
  };
  const quiet = new Set(['/health', '/ready', '/metrics']);
  return {
    routes: Object.fromEntries(
      Object.entries(routes).map(([key, route]) => {
        const path = key.slice(key.indexOf(' ') + 1);
        return [
          key,
          instrument(path, route, log, quiet.has(path) || path.startsWith('/playground/assets')),
        ];
      }),
    ),
    async stop() {
      await engine.stop();
      await shared.close();
    },
  };
}

function consentPages(
  consentServiceUrl: string,
  internalSecret: string,
  publicUrl: () => string,
): Record<string, Route> {
  const route = pageProxy({ target: consentServiceUrl, internalSecret, publicUrl });
  return Object.fromEntries(consentPagePaths.map((key) => [key, route]));
}

function challengeFor(e: AppError): Record<string, string> {
  if (e.code === ErrorCode.UNAUTHENTICATED)
    return { 'www-authenticate': 'Bearer realm="ledgergraph"' };
  if (e.details.reason === 'authorizationHeader')
    return { 'www-authenticate': 'Bearer realm="ledgergraph", error="invalid_request"' };
  return {};
}
