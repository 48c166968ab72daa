import type { Config } from '../shared/config/index.ts';
import { totpUri } from '../subgraphs/consent/authorization/totp.ts';
import { demoClientApps, demoPsus, demoStaff } from '../subgraphs/consent/db/seed.ts';
import { startSystem } from '../system.ts';
import { stopSignal } from './stop-signal.ts';

/** Runs everything in this process until SIGINT/SIGTERM. */
export async function start(config: Config): Promise<number> {
  const system = await startSystem(config);
  const stopAsked = stopSignal();
  const shown = config.publicUrl;
  console.log(`
Ledgergraph is running (embedded default: SQLite in ${config.dataDir})

  GraphQL gateway   ${shown}/graphql
  Token endpoint    ${shown}/token
  JWKS              ${shown}/.well-known/jwks.json
  Playground        ${config.gateway.playground ? `${shown}/playground` : '(off: PLAYGROUND=false)'}
  Health            ${shown}/health
  Readiness         ${shown}/ready
  Metrics           ${shown}/metrics
  Authorization     ${shown}/.well-known/oauth-authorization-server
                    (PAR, authorize, sign-in and consent pages: the consent service's, here)
  Access dashboard  ${shown}/account/access (a PSU's consents and banks)
  Compliance        ${shown}/compliance (staff with audit:read)
  First query       npm run first-query -- ${shown} (the redirect flow as alice, scripted)

Demo client apps (client_id / secret):
${demoClientApps.map((c) => `  ${c.id.padEnd(24)} ${c.secret}`).join('\n')}
Demo PSUs (username / password): ${demoPsus.map((p) => `${p.username} / ${p.password}`).join(', ')}
Demo compliance officer: ${demoStaff.map((p) => `${p.username} / ${p.password}`).join(', ')}
Their sign-in one-time codes: \`npm run cli -- totp <username>\` prints the current one, or add
the URI to an authenticator app:
${[...demoPsus, ...demoStaff].map((p) => `  ${p.username.padEnd(8)} ${totpUri(p.totpSecret, p.username)}`).join('\n')}

Banks:
${system.banks.map((b) => `  ${b.id.padEnd(24)} ${b.name.padEnd(36)} ${b.baseUrl}${b.sandbox ? '  (sandbox)' : ''}`).join('\n') || '  (none: set BANKS or SANDBOX_BANKS=true)'}
`);
  await stopAsked;
  await system.stop();
  return 0;
}
