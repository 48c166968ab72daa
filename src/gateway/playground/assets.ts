import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The files the playground page loads, all served by the gateway itself (no CDN). */
export const assetNames = [
  'main.js',
  'main.css',
  'editor.worker.js',
  'json.worker.js',
  'graphql.worker.js',
] as const;
export type AssetName = (typeof assetNames)[number];

export interface PlaygroundAssets {
  /** Changes whenever any input of the bundle changes; the ETag of every asset. */
  fingerprint: string;
  files: Record<AssetName, Buffer>;
}

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..', '..');
const entry = join(here, 'browser', 'main.js');
const operationsDir = join(root, 'src', 'client', 'operations');
const require = createRequire(import.meta.url);

const versionOf = (pkg: string) =>
  (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string })
    .version;

/** Inputs of the bundle: our browser code, the example operations, the packages' versions. */
function fingerprint(): string {
  const hash = createHash('sha256');
  for (const pkg of ['graphiql', 'react', 'react-dom', 'esbuild']) hash.update(versionOf(pkg));
  hash.update(readFileSync(entry));
  for (const f of readdirSync(operationsDir).sort())
    hash.update(readFileSync(join(operationsDir, f)));
  return hash.digest('hex').slice(0, 16);
}

/**
 * Bundles GraphiQL, React and the Monaco workers with esbuild, on first use, into
 * node_modules/.cache (ignored by git, rebuilt when an input changes). Later starts read
 * the cached files.
 */
export async function loadPlaygroundAssets(
  cacheRoot = join(root, 'node_modules', '.cache', 'ledgergraph-playground'),
): Promise<PlaygroundAssets> {
  const id = fingerprint();
  const dir = join(cacheRoot, id);
  if (!assetNames.every((n) => existsSync(join(dir, n)))) await build(dir);
  const files = Object.fromEntries(assetNames.map((n) => [n, readFileSync(join(dir, n))]));
  return { fingerprint: id, files: files as Record<AssetName, Buffer> };
}

async function build(dir: string): Promise<void> {
  // esbuild is loaded only when a bundle is actually built.
  const esbuild = await import('esbuild');
  const common = {
    bundle: true,
    minify: true,
    write: false,
    outdir: dir,
    logLevel: 'silent',
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
  } as const;
  const graphiqlReact = dirname(require.resolve('@graphiql/react/package.json'));
  const fromGraphiql = createRequire(join(graphiqlReact, 'package.json'));
  const [page, workers] = await Promise.all([
    esbuild.build({
      ...common,
      entryPoints: { main: entry },
      format: 'esm',
      loader: { '.graphql': 'text', '.ttf': 'dataurl' },
    }),
    // Classic (IIFE) workers start in every browser, module workers not everywhere.
    esbuild.build({
      ...common,
      entryPoints: {
        'editor.worker': fromGraphiql.resolve('monaco-editor/esm/vs/editor/editor.worker.js'),
        'json.worker': fromGraphiql.resolve('monaco-editor/esm/vs/language/json/json.worker.js'),
        'graphql.worker': fromGraphiql.resolve('monaco-graphql/esm/graphql.worker.js'),
      },
      format: 'iife',
    }),
  ]);
  mkdirSync(dir, { recursive: true });
  for (const out of [...page.outputFiles, ...workers.outputFiles]) {
    writeFileSync(out.path, out.contents);
  }
}
