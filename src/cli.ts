import 'reflect-metadata';
import { ConfigError, loadConfig, type Config } from './shared/config/index.ts';
import { demoClientApps, demoPsus } from './subgraphs/consent/db/seed.ts';
import { migrateAll, startSystem } from './system.ts';

const usage = `Usage: ledgergraph <command>

  start            run gateway, subgraphs (and sandbox banks) on the embedded default
  migrate          apply pending database migrations and exit
  keys rotate      make a new token signing key current (the old one stays in the JWKS)
  schema print     write the subgraph SDLs and the composed supergraph to schema/
`;

async function main(argv: string[]): Promise<number> {
  const [command, sub] = argv;
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(usage);
    return command ? 0 : 2;
  }
  const config = loadConfig();
  switch (command) {
    case 'start':
      return start(config);
    case 'migrate': {
      const applied = await migrateAll(config);
      for (const [store, names] of Object.entries(applied)) {
        console.log(`${store}: ${names.length ? names.join(', ') : 'up to date'}`);
      }
      return 0;
    }
    case 'keys':
      if (sub !== 'rotate') break;
      return rotateKeys(config);
    case 'schema':
      if (sub !== 'print') break;
      return (await import('./schema-print.ts')).printSchemas(config);
  }
  process.stderr.write(`Unknown command: ${argv.join(' ')}\n\n${usage}`);
  return 2;
}

async function start(config: Config): Promise<number> {
  const system = await startSystem(config);
  const shown = config.publicUrl;
  console.log(`
Ledgergraph is running (embedded default: SQLite in ${config.dataDir})

  GraphQL gateway   ${shown}/graphql
  Token endpoint    ${shown}/token
  JWKS              ${shown}/.well-known/jwks.json
  Health            ${shown}/health

Demo client apps (client_id / secret):
${demoClientApps.map((c) => `  ${c.id.padEnd(24)} ${c.secret}`).join('\n')}
Demo PSUs (username / password): ${demoPsus.map((p) => `${p.username} / ${p.password}`).join(', ')}
`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await system.stop();
  return 0;
}

async function rotateKeys(config: Config): Promise<number> {
  const { openConsentDb } = await import('./subgraphs/consent/db/client.ts');
  const { SigningKeyService } =
    await import('./subgraphs/consent/services/signing-keys.service.ts');
  const { systemClock } = await import('./shared/clock.ts');
  const db = openConsentDb(config.databases.consent);
  const { kid, activatesAt } = await new SigningKeyService(db, systemClock, {
    alg: config.tokens.alg,
    tokenTtlSeconds: config.tokens.ttlSeconds,
    rotationLeadSeconds: config.tokens.rotationLeadSeconds,
  }).rotate();
  console.log(`new signing key ${kid}: in the JWKS now, signing from ${activatesAt.toISOString()}`);
  await db.$disconnect();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof ConfigError ? e.message : e);
    process.exit(1);
  },
);
