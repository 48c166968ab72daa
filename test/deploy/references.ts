import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { serviceNames, type ServiceName } from '../../src/shared/config/services.ts';

/**
 * What the deployment files name, pulled out of them so the test can hold each name against
 * the code: variables, commands, npm scripts and the HTTP routes they probe.
 */

export const root = resolve(import.meta.dirname, '..', '..');
export const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** Every file under deploy/, relative to the repository root. */
export function deployFiles(dir = 'deploy'): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    return statSync(join(root, path)).isDirectory() ? deployFiles(path) : [path];
  });
}

/** A name found in a file, and the service it is meant for when the file says. */
export interface Mention {
  file: string;
  name: string;
  service?: ServiceName;
}

export type HttpMethod = 'GET' | 'POST';
export interface Probe extends Mention {
  method: HttpMethod;
}

const variableToken = /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?:_\*)?\b|\b[A-Z][A-Z0-9]*_\*/g;

/** Upper-case snake names; `TOKEN_*` stands for a prefix. */
export function variablesInText(file: string, text: string, service?: ServiceName): Mention[] {
  return [...text.matchAll(variableToken)].map((m) => ({ file, name: m[0], service }));
}

export const isService = (s: string | undefined): s is ServiceName =>
  serviceNames.includes(s as ServiceName);

/** `KEY=value` lines of an env file (systemd EnvironmentFile, .env.example). */
export function envFile(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .map((l) => /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1]!, m[2]!]),
  );
}

export interface K8sObject {
  file: string;
  kind: string;
  name: string;
  component?: string;
  body: Record<string, unknown>;
}

export function kubernetesObjects(): K8sObject[] {
  return deployFiles('deploy/kubernetes')
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((file) =>
      parseAllDocuments(read(file)).map((doc) => {
        if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0]!.message}`);
        const body = doc.toJS() as Record<string, unknown>;
        const meta = (body.metadata ?? {}) as { name?: string; labels?: Record<string, string> };
        return {
          file,
          kind: String(body.kind),
          name: meta.name ?? '',
          component: meta.labels?.['app.kubernetes.io/component'],
          body,
        };
      }),
    );
}

/** Every object below `value` (arrays and maps), depth first, with the object itself. */
export function* walk(value: unknown): Generator<Record<string, unknown>> {
  if (Array.isArray(value)) for (const v of value) yield* walk(v);
  else if (value && typeof value === 'object') {
    yield value as Record<string, unknown>;
    for (const v of Object.values(value)) yield* walk(v);
  }
}

export interface Container {
  object: K8sObject;
  name: string;
  args: string[];
  env: {
    name: string;
    value?: string;
    /** secretKeyRef / configMapKeyRef */
    valueFrom?: Record<string, { name: string; key: string; optional?: boolean }>;
  }[];
  envFrom: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports: { name?: string; containerPort: number }[];
  body: Record<string, unknown>;
}

export function containers(objects: K8sObject[]): Container[] {
  return objects.flatMap((object) =>
    [...walk(object.body)]
      .filter((o) => Array.isArray(o.containers))
      .flatMap((spec) => spec.containers as Record<string, unknown>[])
      .map((c) => ({
        object,
        name: String(c.name),
        args: (c.args as string[] | undefined) ?? [],
        env: (c.env as Container['env'] | undefined) ?? [],
        envFrom: (c.envFrom as Container['envFrom'] | undefined) ?? [],
        ports: (c.ports as Container['ports'] | undefined) ?? [],
        body: c,
      })),
  );
}

/** A systemd unit's or env template's service, from its file name. */
export function serviceOfFile(file: string): ServiceName | undefined {
  const m = /^(?:ledgergraph-)?([a-z]+)\.(?:service|env)$/.exec(basename(file));
  return isService(m?.[1]) ? m[1] : undefined;
}

export interface CliUse {
  file: string;
  command: string;
  sub?: string;
}

/** `cli.ts <command> [<sub>]` wherever a file runs the CLI; placeholders are skipped. */
export function cliCommands(file: string, text: string): CliUse[] {
  const use = (command: string, sub?: string): CliUse => ({ file, command, sub });
  return [
    ...[...text.matchAll(/src\/cli\.ts[ \t]+([a-z]+)(?:[ \t]+([a-z]+))?/g)].map((m) =>
      use(m[1]!, m[2]),
    ),
    // The image's arguments: `podman run … ledgergraph serve consent`, and its CMD.
    ...[
      ...text.matchAll(/^(?:#\s*)?podman run .*?\bledgergraph[ \t]+([a-z]+)(?:[ \t]+([a-z]+))?/gm),
    ].map((m) => use(m[1]!, m[2])),
    ...[...text.matchAll(/^CMD (\[.*\])$/gm)].map((m) => {
      const [command, sub] = JSON.parse(m[1]!) as string[];
      return use(command!, sub);
    }),
  ];
}

/** `npm run x`, `npm start`, `npm test`. */
export function npmScripts(file: string, text: string): Mention[] {
  return [...text.matchAll(/\bnpm (?:run ([\w:-]+)|(start|test)\b)/g)].map((m) => ({
    file,
    name: (m[1] ?? m[2])!,
  }));
}

/** Repository paths (src/…, deploy/…) a file names. */
export function repositoryPaths(file: string, text: string): Mention[] {
  return [
    ...text.matchAll(/(?<![\w/.-])(?:\.\/)?((?:src|deploy|docs|scripts|prisma)\/[\w./-]*[\w/])/g),
  ]
    .map((m) => m[1]!)
    .filter((p) => !p.includes('<'))
    .map((name) => ({ file, name }));
}
