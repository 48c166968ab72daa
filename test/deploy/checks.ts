import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { envSchema } from '../../src/shared/config/index.ts';
import { ErrorCode } from '../../src/shared/errors/index.ts';
import { serviceNames, serviceVariables } from '../../src/shared/config/services.ts';
import { envFile, read, root, type CliUse, type Mention } from './references.ts';

/**
 * The code's side: what exists. Each check returns the mentions that name something that
 * does not, as readable lines, so a failure says which file names what.
 */

/**
 * Never read by Ledgergraph: set by the deployment files for npm (behind npx), read by
 * libraries only (NODE_ENV, which the CLI defaults to production: DEPLOYMENT.md says why),
 * or by Node itself (NODE_OPTIONS, which npm sets from .npmrc).
 */
export const foreignVariables = new Set([
  'NPM_CONFIG_CACHE',
  'NPM_CONFIG_UPDATE_NOTIFIER',
  'NPM_CONFIG_NODE_OPTIONS',
  'NODE_ENV',
  'NODE_OPTIONS',
]);

/** Error codes from the closed list look like variables in prose; they are not. */
const errorCodes = new Set<string>(Object.values(ErrorCode));

export const schemaVariables = new Set(Object.keys(envSchema.shape));
export const exampleVariables = new Set(Object.keys(envFile(read('.env.example'))));

/** A variable exists when the schema validates it and .env.example documents it. */
function exists(name: string): boolean {
  if (name.endsWith('_*')) {
    const prefix = name.slice(0, -1);
    return [...schemaVariables].some((v) => v.startsWith(prefix) && exampleVariables.has(v));
  }
  return schemaVariables.has(name) && exampleVariables.has(name);
}

export function unknownVariables(mentions: Mention[]): string[] {
  const problems: string[] = [];
  for (const m of mentions) {
    if (foreignVariables.has(m.name) || errorCodes.has(m.name)) continue;
    if (!exists(m.name)) {
      problems.push(
        `${m.file}: ${m.name} is not a variable (${
          schemaVariables.has(m.name) ? 'missing from .env.example' : 'not in the config schema'
        })`,
      );
    } else if (m.service && !m.name.endsWith('_*')) {
      if (!serviceVariables[m.service].includes(m.name))
        problems.push(`${m.file}: ${m.name} is given to ${m.service}, which does not read it`);
    }
  }
  return [...new Set(problems)];
}

/** The command names in src/cli.ts's `commands` table (importing cli.ts would run it). */
export function cliCommandNames(): Set<string> {
  const source = read('src/cli.ts');
  const table = source.slice(source.indexOf('const commands'), source.indexOf('\n};\n'));
  return new Set([...table.matchAll(/^ {2}([a-z]+): \{$/gm)].map((m) => m[1]!));
}

export function unknownCommands(uses: CliUse[]): string[] {
  const names = cliCommandNames();
  return uses.flatMap((u) => {
    if (!names.has(u.command)) return [`${u.file}: no command \`${u.command}\` in src/cli.ts`];
    if (u.sub === undefined || u.sub.startsWith('-')) return [];
    if (u.command === 'serve')
      return (serviceNames as readonly string[]).includes(u.sub)
        ? []
        : [`${u.file}: \`serve ${u.sub}\` is not a service (${serviceNames.join(', ')})`];
    // Subcommands are matched by name in the command's own module.
    const module = join('src', 'commands', `${u.command}.ts`);
    return existsSync(join(root, module)) && read(module).includes(`'${u.sub}'`)
      ? []
      : [`${u.file}: \`${u.command} ${u.sub}\` is not a subcommand in ${module}`];
  });
}

export function unknownScripts(mentions: Mention[]): string[] {
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
  return mentions
    .filter((m) => !(m.name in scripts))
    .map((m) => `${m.file}: no npm script \`${m.name}\` in package.json`);
}

export function missingPaths(mentions: Mention[]): string[] {
  return mentions
    .filter((m) => !existsSync(join(root, m.name)))
    .map((m) => `${m.file}: ${m.name} does not exist`);
}

/** Variables that hold secrets: never in a ConfigMap, a literal value or a unit file. */
export const isSecretVariable = (name: string) =>
  /(_KEY|_KEYS|_SECRET|_DATABASE_URL)$/.test(name) || name === 'BANKS' || name === 'REDIS_URL';
