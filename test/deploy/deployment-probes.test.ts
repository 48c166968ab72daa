import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consentPagePaths } from '../../src/gateway/page-proxy.ts';
import type { ServiceName } from '../../src/shared/config/services.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { containers, isService, kubernetesObjects, read, walk } from './references.ts';

/**
 * Every HTTP route a deployment file probes or routes to, asked of the service it names:
 * the embedded system runs each service's own entry point (the ones `serve <service>`
 * runs), so its routes are the services' routes. A route exists when the answer is
 * neither 404 nor 405.
 */

type Method = 'GET' | 'POST' | 'ANY';
interface Route {
  file: string;
  method: Method;
  path: string;
  /** Undefined: at least one service must serve it. */
  service?: ServiceName;
}

function routesNamed(): { routes: Route[]; deniedPrefixes: Route[]; ingressPrefixes: Route[] } {
  const routes: Route[] = [];
  const ingressPrefixes: Route[] = [];
  const k8s = kubernetesObjects();
  for (const c of containers(k8s)) {
    const service = c.object.component;
    if (!isService(service)) continue;
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      const path = (c.body[probe] as { httpGet?: { path: string } } | undefined)?.httpGet?.path;
      if (path) routes.push({ file: c.object.file, method: 'GET', path, service });
    }
  }
  for (const o of k8s) {
    for (const node of walk(o.body)) {
      const annotations = node.annotations as Record<string, string> | undefined;
      const path = annotations?.['prometheus.io/path'];
      if (path && isService(o.component))
        routes.push({ file: o.file, method: 'GET', path, service: o.component });
    }
    if (o.kind === 'Ingress')
      for (const node of walk(o.body))
        if (typeof node.path === 'string' && node.backend) {
          const route = { file: o.file, method: 'ANY' as const, path: node.path };
          // A prefix has no page of its own: the gateway must route everything below it.
          if (node.pathType === 'Prefix') ingressPrefixes.push(route);
          else routes.push({ ...route, service: 'gateway' });
        }
  }

  const haproxy = 'deploy/haproxy.cfg';
  const deniedPrefixes: Route[] = [];
  let backend: string | undefined;
  for (const line of read(haproxy).split('\n')) {
    backend = /^(?:backend|frontend|listen) (\S+)/.exec(line)?.[1] ?? backend;
    const check = /http-check send meth (GET|POST) uri (\S+)/.exec(line);
    if (check) {
      if (!isService(backend)) throw new Error(`${haproxy}: backend ${backend} is no service`);
      routes.push({ file: haproxy, method: check[1] as Method, path: check[2]!, service: backend });
    }
    const deny = /http-request deny .*\{ path(?:_beg)? ([^}]+)\}/.exec(line);
    for (const path of deny?.[1]!.trim().split(/\s+/) ?? [])
      deniedPrefixes.push({ file: haproxy, method: 'ANY', path });
  }

  const healthcheck = 'deploy/healthcheck.sh';
  const script = read(healthcheck);
  const fallback = /^path=(\S+)$/m.exec(script)![1]!;
  for (const arm of script.matchAll(/^\s*([a-z*]+)\) (.*);;$/gm)) {
    const service = arm[1] === '*' ? 'gateway' : arm[1];
    if (!isService(service)) throw new Error(`${healthcheck}: ${arm[1]} is no service`);
    const path = /path=(\S+)/.exec(arm[2]!)?.[1] ?? fallback;
    routes.push({ file: healthcheck, method: 'GET', path, service });
  }

  const doc = 'docs/DEPLOYMENT.md';
  const text = read(doc);
  // The health table: | `GET /health` | gateway, consent, … |
  for (const row of text.matchAll(/^\| `(GET|POST) (\/\S*)` \| ([a-z, ]+) \|/gm))
    for (const service of row[3]!.split(',').map((s) => s.trim())) {
      if (!isService(service)) throw new Error(`${doc}: ${service} is no service`);
      routes.push({ file: doc, method: row[1] as Method, path: row[2]!, service });
    }
  for (const m of text.matchAll(/`(GET|POST) (\/[^\s`]*)`/g))
    routes.push({ file: doc, method: m[1] as Method, path: m[2]! });
  return { routes, deniedPrefixes, ingressPrefixes };
}

describe('the routes deployment files probe are served', () => {
  const { routes, deniedPrefixes, ingressPrefixes } = routesNamed();
  let t: TestSystem;
  let origins: Record<ServiceName, string>;

  beforeAll(async () => {
    t = await startTestSystem({ SEED_DEMO_DATA: 'false', SANDBOX_TRANSACTIONS_PER_ACCOUNT: '5' });
    const banks = t.system.sandbox?.banks[0]?.baseUrl;
    if (!banks) throw new Error('the sandbox banks did not start');
    origins = { gateway: t.url, ...t.system.subgraphUrls, banks };
  });
  afterAll(async () => {
    await t?.stop();
  });

  async function served(service: ServiceName, method: Method, path: string): Promise<boolean> {
    for (const m of method === 'ANY' ? (['GET', 'POST'] as const) : [method]) {
      const res = await fetch(new URL(path, origins[service]), { method: m });
      await res.arrayBuffer();
      if (res.status !== 404 && res.status !== 405) return true;
    }
    return false;
  }

  it('finds the probes in every kind of file', () => {
    const files = new Set(routes.map((r) => r.file.split('/').slice(0, 2).join('/')));
    expect(files).toEqual(
      new Set([
        'deploy/kubernetes',
        'deploy/haproxy.cfg',
        'deploy/healthcheck.sh',
        'docs/DEPLOYMENT.md',
      ]),
    );
  });

  it("the ingress's prefixes are the gateway's forwarded page prefixes", () => {
    expect(ingressPrefixes.length).toBeGreaterThan(0);
    const routed = new Set(consentPagePaths.map((r) => r.split(' ')[1]));
    expect(ingressPrefixes.filter((r) => !routed.has(`${r.path}/*`))).toEqual([]);
  });

  it('each service serves what is probed on it', async () => {
    const missing: string[] = [];
    for (const r of routes) {
      const where = r.service ? [r.service] : (Object.keys(origins) as ServiceName[]);
      const found = await Promise.all(where.map((s) => served(s, r.method, r.path)));
      if (!found.some(Boolean))
        missing.push(`${r.file}: ${r.method} ${r.path} on ${r.service ?? 'any service'}`);
    }
    expect(missing).toEqual([]);
  });

  it('the probe notices a route no service has', async () => {
    expect(await served('gateway', 'GET', '/healthz')).toBe(false);
    expect(await served('consent', 'POST', '/health')).toBe(false);
  });

  it("the load balancer's deny rules name routes that exist", () => {
    const known = routes.map((r) => r.path);
    for (const denied of deniedPrefixes)
      expect(
        known.some((p) => p.startsWith(denied.path)),
        `${denied.path}`,
      ).toBe(true);
  });
});
