import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { bearerToken, type Issuer } from '../shared/auth/verify.ts';
import type { GatewayConfig } from '../shared/config/index.ts';
import { disableVendorTelemetry } from '../shared/config/vendor-telemetry.ts';
import { AppError, ErrorCode } from '../shared/errors/index.ts';
import { handleGraphQL, readBody } from '../shared/http/graphql-handler.ts';
import type { Route } from '../shared/http/server.ts';
import { silentLogger, type Logger } from '../shared/log/index.ts';
import { createAuthenticator } from './authenticate.ts';
import { gatewayFormatError, refuse } from './errors.ts';
import { checkInput, costPlugin, createConcurrencyCap, limitRules } from './limits/index.ts';
import { logMaskedErrors } from './masked-errors.ts';
import { graphqlErrors, inFlight } from './metrics.ts';
import { operationPlugin } from './operation.ts';
import { opsRoutes, subgraphCheck, subgraphsOf, type ReadinessCheck } from './ops.ts';
import { playgroundRoutes } from './playground/index.ts';
import type { SandboxCredentials } from './playground/sandbox-token.ts';
import { markMissingToken, markRefused, refusalPlugin } from './refusals.ts';
import { instrument, oneAuthorization, requestInfo } from './request.ts';
import { connectSharedState } from './shared-state.ts';
import { SignedContextSource, type GatewayContext } from './subgraph-source.ts';
import { tokenProxy } from './token-proxy.ts';

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
  log?: Logger;
}

const graphqlPath = '/graphql';

export async function createGateway(o: GatewayOptions) {
  const log = o.log ?? silentLogger;
  const s = o.settings;
  disableVendorTelemetry();
  const gateway = new ApolloGateway({
    supergraphSdl: o.supergraphSdl,
    buildService: ({ name, url }) => new SignedContextSource(name, url ?? '', o.internalSecret),
  });
  const server = new ApolloServer<GatewayContext>({
    gateway,
    formatError: gatewayFormatError({ hideSchemaDetails: !s.allowIntrospection }),
    // No "Did you mean …" naming fields to a caller who may not see the schema otherwise.
    hideSchemaDetailsFromClientErrors: !s.allowIntrospection,
    includeStacktraceInErrorResponses: false,
    // Always on for Apollo: limitRules refuses it, with our own code, where it is not allowed.
    introspection: true,
    validationRules: limitRules(s.limits, s.allowIntrospection),
    parseOptions: { maxTokens: s.limits.maxTokens },
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // Nothing is reported to Apollo's servers, whatever APOLLO_KEY the environment holds.
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      // Before cost, which has nothing to weigh without an operation.
      operationPlugin,
      costPlugin(s.limits),
      refusalPlugin,
      logMaskedErrors(log),
      observePlugin,
    ],
  });
  await server.start();
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
  });
  const { takeToken } = shared;
  const capacity = createConcurrencyCap(s.maxConcurrentRequests, inFlight);

  const graphql: Route = async (req, res) => {
    const info = requestInfo(req);
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
      await handleGraphQL(server, req, res, {
        maxBodyBytes: o.maxBodyBytes,
        context: async () => ({ internal, request: info }),
        inspect: (request) => checkInput(request, s.limits),
        onError: (e) => {
          graphqlErrors.inc({ code: e.code });
          markRefused(info, e);
        },
      });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      // The body is not read: drain it so the connection can be reused.
      req.resume();
      if (e.code === ErrorCode.UNAUTHENTICATED && !bearerToken(req.headers.authorization))
        markMissingToken(info);
      markRefused(info, e);
      refuse(res, e, challengeFor(e), req.headers.accept);
    }
  };

  /** Runs an operation in-process as the holder of `token` (the sandbox flow). */
  const runAs = async (token: string, query: string, variables?: Record<string, unknown>) => {
    const internal = await authenticate(`Bearer ${token}`, 'playground-sandbox');
    const result = await server.executeOperation(
      { query, variables },
      { contextValue: { internal } },
    );
    if (result.body.kind !== 'single') throw new Error('unexpected incremental result');
    const { data, errors } = result.body.singleResult;
    if (errors?.length || !data) throw new Error(errors?.[0]?.message ?? 'no data');
    return data;
  };

  const checks: Record<string, ReadinessCheck> = {
    ...Object.fromEntries(
      subgraphsOf(o.supergraphSdl).map((g) => [`subgraph:${g.name}`, subgraphCheck(g.url)]),
    ),
    ...o.readinessChecks,
  };
  const sandbox =
    s.playgroundSandboxToken && o.sandboxCredentials
      ? { tokenUrl: `${o.consentServiceUrl}/token`, credentials: o.sandboxCredentials, run: runAs }
      : undefined;

  const routes: Record<string, Route> = {
    [`POST ${graphqlPath}`]: graphql,
    [`GET ${graphqlPath}`]: graphql,
    'POST /token': tokenProxy(`${o.consentServiceUrl}/token`, o.internalSecret),
    'GET /.well-known/jwks.json': proxyTo(`${o.consentServiceUrl}/jwks`),
    ...opsRoutes(checks),
    ...(s.playground ? playgroundRoutes({ graphqlPath, sandbox }) : {}),
  };
  const quiet = new Set(['/health', '/ready', '/metrics']);
  return {
    server,
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
      await server.stop();
      await shared.close();
    },
  };
}

/** Operation names for the request log; error codes for the metrics. */
const observePlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation(rc) {
        if (rc.contextValue.request) rc.contextValue.request.operationName = rc.operationName;
      },
      async willSendResponse(rc) {
        const body = rc.response.body;
        const errors =
          body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
        for (const e of errors ?? [])
          graphqlErrors.inc({ code: String(e.extensions?.code ?? 'UNKNOWN') });
      },
    };
  },
};

function challengeFor(e: AppError): Record<string, string> {
  if (e.code === ErrorCode.UNAUTHENTICATED)
    return { 'www-authenticate': 'Bearer realm="ledgergraph"' };
  if (e.details.reason === 'authorizationHeader')
    return { 'www-authenticate': 'Bearer realm="ledgergraph", error="invalid_request"' };
  return {};
}

/** The token endpoint and JWKS belong to the consent service; the gateway is their front door. */
function proxyTo(target: string): Route {
  return async (req, res) => {
    let body: string | undefined;
    try {
      body = req.method === 'POST' ? await readBody(req, 16_384) : undefined;
    } catch (e) {
      if (e instanceof AppError) return refuse(res, e, { connection: 'close' });
      throw e;
    }
    const headers: Record<string, string> = {};
    for (const h of ['content-type', 'authorization', 'x-fapi-interaction-id']) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    const upstream = await fetch(target, {
      method: req.method,
      headers,
      body,
      signal: AbortSignal.timeout(5_000),
    });
    const text = await upstream.text();
    const out: Record<string, string> = {};
    for (const h of ['content-type', 'cache-control', 'pragma', 'www-authenticate']) {
      const v = upstream.headers.get(h);
      if (v) out[h] = v;
    }
    res.writeHead(upstream.status, out);
    res.end(text);
  };
}
