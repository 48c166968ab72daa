import { describe, expect, it } from 'vitest';
import {
  loadServiceConfig,
  serviceNames,
  serviceVariables,
} from '../../src/shared/config/services.ts';
import {
  exampleVariables,
  isSecretVariable,
  missingPaths,
  unknownCommands,
  unknownScripts,
  unknownVariables,
} from './checks.ts';
import {
  cliCommands,
  containers,
  deployFiles,
  envFile,
  isService,
  kubernetesObjects,
  npmScripts,
  read,
  repositoryPaths,
  serviceOfFile,
  variablesInText,
  type Mention,
} from './references.ts';

/**
 * docs/DEPLOYMENT.md and deploy/ cannot run here (no cluster, no systemd, no registry), so
 * this holds every name they use against the code: variables against the config schema,
 * .env.example and the variables each service reads (src/shared/config/services.ts),
 * commands against src/cli.ts, scripts against package.json. Routes: deployment-probes.test.ts.
 */

const doc = 'docs/DEPLOYMENT.md';
const files = [doc, ...deployFiles()];
const k8s = kubernetesObjects();

/** Variables each deployment file names, with the service it gives them to where it says. */
function variableMentions(): Mention[] {
  const mentions: Mention[] = [];
  for (const file of files) {
    const text = read(file);
    if (file.endsWith('haproxy.cfg') || /\.(service|timer|target)$/.test(file)) {
      // Cipher suites and systemd's AF_INET look like variables: only comments count here,
      // with ${VAR} references and (below) the units' Environment= lines.
      const comments = text.split('\n').filter((l) => l.trim().startsWith('#'));
      mentions.push(...variablesInText(file, comments.join('\n')));
      for (const m of text.matchAll(/\$\{([A-Z][A-Z0-9_]*)\}/g))
        mentions.push({ file, name: m[1]! });
    } else mentions.push(...variablesInText(file, text));

    const service = serviceOfFile(file);
    if (file.endsWith('.env') && service)
      for (const name of Object.keys(envFile(text))) mentions.push({ file, name, service });
    if (file.endsWith('.service'))
      for (const m of text.matchAll(/^Environment=(.*)$/gm))
        for (const name of Object.keys(envFile(m[1]!.split(' ').join('\n'))))
          mentions.push({ file, name, service });
    if (file === 'deploy/healthcheck.sh')
      for (const arm of text.matchAll(/^\s*([a-z*]+)\) (.*);;$/gm)) {
        const armService = arm[1] === '*' ? 'gateway' : arm[1];
        if (!isService(armService)) throw new Error(`healthcheck arm ${arm[1]}`);
        for (const v of arm[2]!.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g))
          mentions.push({ file, name: v[1]!, service: armService });
      }
    if (file === 'deploy/Containerfile')
      // One image runs every service: what it sets, every service must read.
      for (const m of text.matchAll(/^(?:ENV |\s+)([A-Z][A-Z0-9_]*)=/gm))
        for (const s of serviceNames) mentions.push({ file, name: m[1]!, service: s });
  }
  for (const o of k8s) {
    const service = isService(o.component) ? o.component : undefined;
    if (o.kind === 'ConfigMap')
      for (const name of Object.keys((o.body.data ?? {}) as object))
        mentions.push({ file: o.file, name, service });
    if (o.kind === 'Secret')
      for (const name of Object.keys((o.body.stringData ?? {}) as object))
        mentions.push({ file: o.file, name });
  }
  for (const c of containers(k8s)) {
    const service = isService(c.object.component) ? c.object.component : undefined;
    for (const e of c.env) mentions.push({ file: c.object.file, name: e.name, service });
  }
  return mentions;
}

/** The rows of a `<!-- variables:<service> -->` table: variable and default. */
function docTable(service: string): Map<string, string> {
  const text = read(doc);
  const start = text.indexOf(`<!-- variables:${service} -->`);
  const end = text.indexOf(`<!-- /variables:${service} -->`);
  if (start < 0 || end < start) return new Map();
  return new Map(
    [...text.slice(start, end).matchAll(/^\| `([A-Z0-9_]+)` \| ([^|]*) \|/gm)].map((m) => [
      m[1]!,
      m[2]!.trim(),
    ]),
  );
}

describe('deployment files name only what exists', () => {
  const mentions = variableMentions();

  it('every variable they name is in the config schema and .env.example', () => {
    expect(mentions.length).toBeGreaterThan(200);
    expect(unknownVariables(mentions)).toEqual([]);
  });

  it('a variable given to a service is one that service reads', () => {
    const placed = mentions.filter((m) => m.service);
    expect(new Set(placed.map((m) => m.service))).toEqual(new Set(serviceNames));
    expect(unknownVariables(placed)).toEqual([]);
  });

  it('the checks catch a made-up variable and one given to the wrong service', () => {
    expect(
      unknownVariables([
        { file: 'x', name: 'LEDGERGRAPH_NO_SUCH_SETTING' },
        { file: 'x', name: 'NO_SUCH_PREFIX_*' },
        { file: 'x', name: 'CONNECTION_ENCRYPTION_KEY', service: 'payments' },
      ]),
    ).toEqual([
      'x: LEDGERGRAPH_NO_SUCH_SETTING is not a variable (not in the config schema)',
      'x: NO_SUCH_PREFIX_* is not a variable (not in the config schema)',
      'x: CONNECTION_ENCRYPTION_KEY is given to payments, which does not read it',
    ]);
  });

  for (const service of serviceNames) {
    it(`docs/DEPLOYMENT.md's ${service} table lists exactly what ${service} reads`, () => {
      const table = docTable(service);
      const reads = new Set(serviceVariables[service]);
      expect({
        missing: [...reads].filter((v) => !table.has(v)),
        extra: [...table.keys()].filter((v) => !reads.has(v)),
      }).toEqual({ missing: [], extra: [] });
      const example = envFile(read('.env.example'));
      for (const [name, shown] of table) {
        expect(shown, `${service} ${name} default`).toBe(
          example[name] ? `\`${example[name]}\`` : '(unset)',
        );
      }
    });
  }

  it('every CLI command they run exists in src/cli.ts, with its subcommand', () => {
    const uses = files.flatMap((f) => cliCommands(f, read(f)));
    for (const c of containers(k8s)) {
      const [command, sub] = c.args;
      if (command) uses.push({ file: c.object.file, command, sub });
    }
    expect(uses.length).toBeGreaterThan(20);
    expect(new Set(uses.filter((u) => u.command === 'serve').map((u) => u.sub))).toEqual(
      new Set([...serviceNames, undefined]),
    );
    expect(unknownCommands(uses)).toEqual([]);
    expect(unknownCommands([{ file: 'x', command: 'serve', sub: 'ledger' }])).toHaveLength(1);
    expect(unknownCommands([{ file: 'x', command: 'audit', sub: 'shred' }])).toHaveLength(1);
    expect(unknownCommands([{ file: 'x', command: 'deploy' }])).toHaveLength(1);
  });

  it('the image runs the CLI through tsx', () => {
    expect(read('deploy/Containerfile')).toMatch(
      /^ENTRYPOINT \["npx", "tsx", "src\/cli\.ts"\]\nCMD \["serve", "gateway"\]$/m,
    );
  });

  it('every npm script they name is in package.json', () => {
    const scripts = files.flatMap((f) => npmScripts(f, read(f)));
    expect(scripts.map((s) => s.name)).toContain('serve:payments');
    expect(unknownScripts(scripts)).toEqual([]);
    expect(unknownScripts([{ file: 'x', name: 'serve:everything' }])).toHaveLength(1);
  });

  it('every repository path they name exists', () => {
    const paths = files.flatMap((f) => repositoryPaths(f, read(f)));
    expect(paths.map((p) => p.name)).toContain('src/gateway/playground/assets.ts');
    expect(missingPaths(paths)).toEqual([]);
  });
});

describe('secrets stay secret', () => {
  it('Kubernetes reads secret variables only from Secrets, never a ConfigMap or a literal', () => {
    const leaks = [
      ...k8s
        .filter((o) => o.kind === 'ConfigMap')
        .flatMap((o) => Object.keys((o.body.data ?? {}) as object).map((n) => `${o.file} ${n}`)),
      ...containers(k8s).flatMap((c) =>
        c.env.filter((e) => !e.valueFrom).map((e) => `${c.object.file} ${e.name}`),
      ),
    ].filter((entry) => isSecretVariable(entry.split(' ')[1]!));
    expect(leaks).toEqual([]);
    const fromSecrets = containers(k8s).flatMap((c) =>
      c.env.filter((e) => e.valueFrom?.secretKeyRef).map((e) => e.name),
    );
    expect(new Set(fromSecrets)).toEqual(new Set([...exampleVariables].filter(isSecretVariable)));
  });

  it('every secretKeyRef and configMapKeyRef points at an object and key that exist', () => {
    const refs = containers(k8s).flatMap((c) =>
      c.env.flatMap((e) =>
        Object.entries(e.valueFrom ?? {}).map(([kind, ref]) => ({ kind, ...ref, env: e.name })),
      ),
    );
    expect(refs.length).toBeGreaterThan(15);
    for (const ref of refs) {
      const kind = ref.kind === 'secretKeyRef' ? 'Secret' : 'ConfigMap';
      const target = k8s.find((o) => o.kind === kind && o.name === ref.name);
      const keys = (target?.body.stringData ?? target?.body.data ?? {}) as Record<string, unknown>;
      expect(keys, `${ref.env} → ${kind} ${ref.name}`).toHaveProperty(ref.key);
    }
    for (const c of containers(k8s))
      for (const from of c.envFrom)
        expect(k8s.some((o) => o.kind === 'ConfigMap' && o.name === from.configMapRef?.name)).toBe(
          true,
        );
  });

  it('only the services that need a key get it', () => {
    const holders = (variable: string) =>
      new Set(
        containers(k8s)
          .filter((c) => c.env.some((e) => e.name === variable))
          .map((c) => c.object.component),
      );
    expect(holders('CONNECTION_ENCRYPTION_KEY')).toEqual(new Set(['accounts']));
    expect(holders('PAYMENTS_ENCRYPTION_KEY')).toEqual(new Set(['payments']));
    expect(holders('INTERNAL_CONTEXT_SECRET')).toEqual(
      new Set(['gateway', 'consent', 'accounts', 'payments']),
    );
  });

  it('systemd units take secrets from their EnvironmentFile only', () => {
    for (const file of deployFiles('deploy/systemd').filter((f) => f.endsWith('.service'))) {
      const set = [...read(file).matchAll(/^Environment=(.*)$/gm)].flatMap((m) =>
        Object.keys(envFile(m[1]!.split(' ').join('\n'))),
      );
      expect(set.filter(isSecretVariable), file).toEqual([]);
    }
  });
});

describe('the values they set are valid', () => {
  it("each Kubernetes ConfigMap passes its service's validation", () => {
    const maps = k8s.filter((o) => o.kind === 'ConfigMap' && isService(o.component));
    expect(maps.map((o) => o.component).sort()).toEqual([...serviceNames].sort());
    for (const o of maps) {
      const data = o.body.data as Record<string, string>;
      expect(() => loadServiceConfig(o.component as never, data), o.file).not.toThrow();
    }
  });

  it("each systemd env template passes its service's validation", () => {
    const templates = deployFiles('deploy/systemd/env');
    expect(templates.map(serviceOfFile).sort()).toEqual([...serviceNames].sort());
    for (const file of templates) {
      const service = serviceOfFile(file)!;
      expect(() => loadServiceConfig(service, envFile(read(file))), file).not.toThrow();
    }
  });

  it('the example Secrets parse, and their key placeholders are refused at start', () => {
    const secrets = Object.assign(
      {},
      ...k8s.filter((o) => o.kind === 'Secret').map((o) => o.body.stringData),
    ) as Record<string, string>;
    // The bank directory (the sandbox banks' entries) is a real, valid value.
    expect(loadServiceConfig('accounts', { BANKS: secrets.BANKS }).banks).toHaveLength(3);
    for (const [service, name] of [
      ['gateway', 'INTERNAL_CONTEXT_SECRET'],
      ['accounts', 'CONNECTION_ENCRYPTION_KEY'],
      ['payments', 'PAYMENTS_ENCRYPTION_KEY'],
    ] as const) {
      expect(() => loadServiceConfig(service, { [name]: secrets[name] }), name).toThrow(name);
    }
  });
});

describe('Kubernetes workloads', () => {
  const deployments = k8s.filter((o) => o.kind === 'Deployment');

  it('a Deployment and a Service per service, two gateway replicas', () => {
    for (const service of serviceNames) {
      expect(deployments.map((d) => d.component)).toContain(service);
      expect(k8s.some((o) => o.kind === 'Service' && o.component === service)).toBe(true);
    }
    const gateway = deployments.find((d) => d.component === 'gateway')!;
    expect((gateway.body.spec as { replicas: number }).replicas).toBeGreaterThanOrEqual(2);
  });

  it('liveness on /health and readiness on /ready (the gateway: /health), with requests and limits', () => {
    for (const c of containers(deployments)) {
      const path = (probe: string) =>
        (c.body[probe] as { httpGet?: { path?: string } } | undefined)?.httpGet?.path;
      if (c.object.component !== 'banks') {
        expect(path('livenessProbe'), c.object.file).toBe('/health');
        // A gateway's /ready reports the subgraphs every replica shares: one subgraph down
        // must not take every gateway out of the Service.
        const readiness = c.object.component === 'gateway' ? '/health' : '/ready';
        expect(path('readinessProbe'), c.object.file).toBe(readiness);
      }
      const resources = c.body.resources as { requests?: object; limits?: object } | undefined;
      expect(resources?.requests, c.object.file).toBeDefined();
      expect(resources?.limits, c.object.file).toBeDefined();
    }
  });

  it('kustomization.yaml lists files that exist, and not the example Secrets', () => {
    const kustomization = k8s.find(
      (o) => o.kind === 'undefined' || o.file.endsWith('kustomization.yaml'),
    )!;
    const resources = kustomization.body.resources as string[];
    expect(resources).not.toContain('secrets.example.yaml');
    expect(
      missingPaths(
        resources.map((r) => ({ file: 'kustomization', name: `deploy/kubernetes/${r}` })),
      ),
    ).toEqual([]);
  });
});
