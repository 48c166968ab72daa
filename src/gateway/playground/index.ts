import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { AppError } from '../../shared/errors/index.ts';
import { sendJson } from '../../shared/http/graphql-handler.ts';
import type { Route } from '../../shared/http/server.ts';
import { refuse } from '../errors.ts';
import { assetNames, loadPlaygroundAssets, type AssetName } from './assets.ts';
import { assertSameOriginWithToken, issueCsrfToken, sandboxRateLimit } from './guard.ts';
import { playgroundCsp, playgroundPage } from './page.ts';
import { runSandboxFlow, type RunAs, type SandboxCredentials } from './sandbox-token.ts';

export const playgroundPath = '/playground';
const assetsPath = `${playgroundPath}/assets`;
const sandboxTokenPath = `${playgroundPath}/sandbox-token`;

const contentTypes: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

export interface PlaygroundOptions {
  graphqlPath: string;
  /** Set only when the dev sandbox token endpoint is on. */
  sandbox?: {
    /** The authorization server's origin (the consent service's): token, PAR, hosted pages. */
    authorizationServer: string;
    credentials: SandboxCredentials;
    run: RunAs;
    /** Sandbox flows per address per minute (default: guard.ts). */
    perMinute?: number;
  };
}

export function playgroundRoutes(o: PlaygroundOptions): Record<string, Route> {
  // Built on first use, then shared; a failed build is retried on the next request.
  let loading:
    | Promise<{ fingerprint: string; plain: Map<string, Buffer>; gzip: Map<string, Buffer> }>
    | undefined;
  const assets = () => {
    loading ??= loadPlaygroundAssets().then((a) => ({
      fingerprint: a.fingerprint,
      plain: new Map(Object.entries(a.files)),
      gzip: new Map(Object.entries(a.files).map(([n, b]) => [n, gzipSync(b)])),
    }));
    loading.catch(() => (loading = undefined));
    return loading;
  };

  const page: Route = async (req, res) => {
    const { fingerprint } = await assets();
    const sandboxPage = o.sandbox
      ? { sandboxTokenPath, csrfToken: issueCsrfToken(req, res, playgroundPath) }
      : {};
    const html = playgroundPage(
      { graphqlPath: o.graphqlPath, assetsPath, ...sandboxPage },
      fingerprint,
    );
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': playgroundCsp,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
    res.end(html);
  };

  const asset =
    (name: AssetName): Route =>
    async (req: IncomingMessage, res: ServerResponse) => {
      const a = await assets();
      const etag = `"${a.fingerprint}"`;
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag });
        res.end();
        return;
      }
      const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      const body = (gzip ? a.gzip : a.plain).get(name)!;
      res.writeHead(200, {
        'content-type': contentTypes[name.split('.').pop()!]!,
        'content-length': body.length,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache',
        vary: 'accept-encoding',
        etag,
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      });
      res.end(body);
    };

  const routes: Record<string, Route> = {
    [`GET ${playgroundPath}`]: page,
    ...Object.fromEntries(assetNames.map((n) => [`GET ${assetsPath}/${n}`, asset(n)])),
  };
  const sandbox = o.sandbox;
  if (sandbox) {
    const takeOne = sandboxRateLimit(sandbox.perMinute);
    routes[`POST ${sandboxTokenPath}`] = async (req, res) => {
      req.resume();
      try {
        assertSameOriginWithToken(req);
        await takeOne(req);
        const session = await runSandboxFlow(
          sandbox.authorizationServer,
          sandbox.credentials,
          sandbox.run,
        );
        sendJson(res, 200, session, { 'cache-control': 'no-store' });
      } catch (e) {
        if (e instanceof AppError) return refuse(res, e);
        throw e;
      }
    };
  }
  return routes;
}
