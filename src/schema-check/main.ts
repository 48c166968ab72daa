import 'reflect-metadata';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAllSchemas } from '../schemas.ts';
import { loadConfig } from '../shared/config/index.ts';
import { breakingChanges } from './breaking.ts';

/**
 * `npm run schema:check`: schema/ matches the code (no drift), and the code's supergraph
 * breaks nothing against schema/baseline/ (the last deliberately published schema).
 * `npm run schema:check -- --update-baseline` publishes the current supergraph as baseline.
 */
export const schemaDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schema');
export const baselineFile = join(schemaDir, 'baseline', 'supergraph.graphql');

/** The checked-in schema is printed with the embedded default's subgraph URLs. */
export async function schemaDrift(): Promise<{ drifted: string[]; supergraph: string }> {
  const { subgraphs, supergraph } = await buildAllSchemas(loadConfig({}));
  const expected = [
    ...subgraphs.map((s) => [s.name, s.sdl] as const),
    ['supergraph', supergraph] as const,
  ];
  const drifted = expected.flatMap(([name, sdl]) => {
    let committed: string | undefined;
    try {
      committed = readFileSync(join(schemaDir, `${name}.graphql`), 'utf8');
    } catch {
      committed = undefined;
    }
    return committed === sdl ? [] : [`schema/${name}.graphql`];
  });
  return { drifted, supergraph };
}

async function main(args: string[]): Promise<number> {
  if (args.includes('--update-baseline')) {
    mkdirSync(dirname(baselineFile), { recursive: true });
    copyFileSync(join(schemaDir, 'supergraph.graphql'), baselineFile);
    console.log('schema/baseline/supergraph.graphql updated');
    return 0;
  }
  let failed = false;
  const { drifted, supergraph } = await schemaDrift();
  if (drifted.length) {
    failed = true;
    console.error(
      `Out of date with the code: ${drifted.join(', ')}\n  run: npx tsx src/cli.ts schema print`,
    );
  }
  const breaking = await breakingChanges(readFileSync(baselineFile, 'utf8'), supergraph);
  if (breaking.length) {
    failed = true;
    console.error(
      `Breaking changes against schema/baseline/supergraph.graphql:\n${breaking
        .map((b) => `  - ${b.path}: ${b.message}`)
        .join('\n')}\n  Deprecate first (@deprecated) and remove in a later release, or, if the` +
        ' break is deliberate, run: npm run schema:check -- --update-baseline',
    );
  }
  if (!failed)
    console.log('schema: in sync with the code, no breaking changes against the baseline');
  return failed ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
