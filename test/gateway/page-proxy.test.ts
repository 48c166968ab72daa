/**
 * The gateway's forwarding of the consent service's pages, over real HTTP against a
 * recording upstream: what it tells the service (signed peer address, public origin) and
 * what it hands back (every cookie, the redirect, the pages' headers).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bankCallbackPath, pageProxy, paymentCallbackPath } from '../../src/gateway/page-proxy.ts';
import * as accountsCallback from '../../src/subgraphs/accounts/http/bank-callback.ts';
import * as paymentsCallback from '../../src/subgraphs/payments/http/bank-callback.ts';
import { createRouter, listen, type Listening } from '../../src/shared/http/server.ts';
import { clientAddressHeader, clientAddressOf } from '../../src/shared/throttle/index.ts';

const secret = 'internal-secret-for-the-page-proxy-test';
let upstream: Server;
let gateway: Listening;
let seen: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  upstream = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      {
        seen.push({ url: req.url ?? '', headers: req.headers, body });
        res.writeHead(303, {
          location: '/account/access',
          'set-cookie': ['a=1; Path=/; HttpOnly', 'b=2; Path=/signin; HttpOnly'],
          'content-security-policy': "frame-ancestors 'none'",
        });
        res.end();
      }
    });
  });
  await new Promise<void>((ok) => upstream.listen(0, '127.0.0.1', ok));
  const target = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const route = pageProxy({
    target,
    internalSecret: secret,
    publicUrl: () => 'https://bank.example',
  });
  gateway = await listen(createRouter({ 'POST /signin/*': route }), 0, '127.0.0.1');
});
afterAll(async () => {
  await gateway?.close();
  await new Promise((ok) => upstream?.close(ok));
});

describe('page proxy', () => {
  it('fronts the services’ bank callbacks at their own paths (the gateway imports no subgraph)', () => {
    expect(bankCallbackPath).toBe(accountsCallback.bankCallbackPath);
    expect(paymentCallbackPath).toBe(paymentsCallback.paymentCallbackPath);
  });

  it('forwards path, query, body and cookie; the public origin from PUBLIC_URL; the peer address signed', async () => {
    seen = [];
    const res = await fetch(`${gateway.url}/signin/abc/login?x=1`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: '_interaction=xyz',
        'x-forwarded-host': 'evil.example',
        'x-forwarded-proto': 'http',
        [clientAddressHeader]: 'forged',
      },
      body: 'username=alice',
    });
    const [got] = seen;
    expect(got).toMatchObject({ url: '/signin/abc/login?x=1', body: 'username=alice' });
    expect(got!.headers).toMatchObject({
      cookie: '_interaction=xyz',
      'x-forwarded-host': 'bank.example',
      'x-forwarded-proto': 'https',
    });
    // The signature verifies, and names the gateway's peer, not what the caller claimed,
    // whichever connection the service sees it on.
    const onAnotherPeer = { headers: got!.headers, socket: { remoteAddress: '10.9.9.9' } };
    expect(await clientAddressOf(onAnotherPeer as never, secret)).toBe('127.0.0.1');

    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/account/access');
    expect(res.headers.getSetCookie()).toEqual([
      'a=1; Path=/; HttpOnly',
      'b=2; Path=/signin; HttpOnly',
    ]);
    expect(res.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
  });
});
