import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Issuer } from '../shared/auth/verify.ts';
import { formatError } from '../shared/errors/format.ts';
import { AppError } from '../shared/errors/index.ts';
import {
  handleGraphQL,
  readBody,
  sendGraphQLError,
  sendJson,
} from '../shared/http/graphql-handler.ts';
import type { Route } from '../shared/http/server.ts';
import { createAuthenticator } from './authenticate.ts';
import { SignedContextSource, type GatewayContext } from './subgraph-source.ts';

export interface GatewayOptions {
  supergraphSdl: string;
  internalSecret: string;
  issuers: Issuer[];
  audience: string;
  /** Base URL of the consent service (token endpoint, JWKS, grant lookup). */
  consentServiceUrl: string;
  maxBodyBytes: number;
}

const interactionIdPattern = /^[A-Za-z0-9-]{1,64}$/;

/** The FAPI interaction id: echoed when the client sends a sane one, generated otherwise. */
export function interactionId(req: IncomingMessage): string {
  const sent = req.headers['x-fapi-interaction-id'];
  return typeof sent === 'string' && interactionIdPattern.test(sent) ? sent : randomUUID();
}

export async function createGateway(o: GatewayOptions) {
  const gateway = new ApolloGateway({
    supergraphSdl: o.supergraphSdl,
    buildService: ({ name, url }) => new SignedContextSource(name, url ?? '', o.internalSecret),
  });
  const server = new ApolloServer<GatewayContext>({
    gateway,
    formatError,
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginLandingPageDisabled()],
  });
  await server.start();
  const authenticate = createAuthenticator({
    issuers: o.issuers,
    audience: o.audience,
    consentGrantUrl: `${o.consentServiceUrl}/internal/consent-grant`,
    internalSecret: o.internalSecret,
  });

  const graphql: Route = async (req, res) => {
    const requestId = interactionId(req);
    const headers = { 'x-fapi-interaction-id': requestId };
    let internal;
    try {
      internal = await authenticate(req, requestId);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      req.resume();
      return sendGraphQLError(res, e, {
        ...headers,
        ...(e.code === 'UNAUTHENTICATED'
          ? { 'www-authenticate': 'Bearer realm="ledgergraph"' }
          : {}),
      });
    }
    await handleGraphQL(server, req, res, {
      maxBodyBytes: o.maxBodyBytes,
      context: async () => ({ internal }),
      headers,
    });
  };

  return {
    server,
    routes: {
      'POST /graphql': graphql,
      'GET /graphql': graphql,
      'POST /token': proxyTo(`${o.consentServiceUrl}/token`),
      'GET /.well-known/jwks.json': proxyTo(`${o.consentServiceUrl}/jwks`),
      'GET /health': (_req, res) => sendJson(res, 200, { status: 'ok' }),
    } as Record<string, Route>,
    stop: () => server.stop(),
  };
}

/** The token endpoint and JWKS belong to the consent service; the gateway is their front door. */
function proxyTo(target: string): Route {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const body = req.method === 'POST' ? await readBody(req, 16_384) : undefined;
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
