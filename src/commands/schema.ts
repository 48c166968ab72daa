import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../shared/config/index.ts';
import { buildAllSchemas } from '../schemas.ts';

/** Writes the printed subgraph SDLs and the composed supergraph to schema/ (checked in). */
export async function schema(config: Config, args: string[]): Promise<number> {
  if (args[0] !== 'print') {
    console.error('usage: schema print');
    return 2;
  }
  const dir = resolve(import.meta.dirname, '..', '..', 'schema');
  mkdirSync(dir, { recursive: true });
  const { subgraphs, supergraph } = await buildAllSchemas(config);
  for (const s of subgraphs) writeFileSync(join(dir, `${s.name}.graphql`), s.sdl);
  writeFileSync(join(dir, 'supergraph.graphql'), supergraph);
  console.log(`wrote ${subgraphs.map((s) => `${s.name}.graphql`).join(', ')}, supergraph.graphql`);
  return 0;
}
