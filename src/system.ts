import { startGatewayService } from './gateway/service.ts';
import { startBanksService, type BanksServiceHandle } from './sandbox/service.ts';
import { supergraphFor } from './schemas.ts';
import { systemClock, type Clock } from './shared/clock.ts';
import type { Config } from './shared/config/index.ts';
import { createLogger } from './shared/log/index.ts';
import { openServiceAudit } from './shared/service/index.ts';
import { startAccountsService } from './subgraphs/accounts/service.ts';
import { startConsentService } from './subgraphs/consent/service.ts';
import { sandboxCredentials } from './subgraphs/consent/db/seed.ts';
import { startPaymentsService } from './subgraphs/payments/service.ts';
import { InProcessTransport } from './shared/events/in-process.ts';
import { natsTransportOf } from './shared/events/nats/from-config.ts';

export interface SystemOptions {
  /** graphql-shield; only the shield-on-vs-off benchmark turns it off. */
  shield?: boolean;
}

/**
 * The embedded default: every service's own entry point (the same ones `serve <service>`
 * runs alone), started in one process, each on its own port and talking to the others
 * over HTTP exactly as separate processes do. They share one logger, one clock and one
 * audit store handle (separate processes each open their own). Why one process and not
 * children: docs/DECISIONS.md "One process per service".
 */
export async function startSystem(
  config: Config,
  clock: Clock = systemClock,
  options: SystemOptions = {},
) {
  const log = createLogger(config.logLevel);
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    for (const s of started.reverse()) await s.stop();
  };
  try {
    let sandbox: BanksServiceHandle | undefined;
    if (config.sandbox.enabled) {
      sandbox = await startBanksService(config, { log, clock });
      started.push(sandbox);
    }
    const banks = [...(sandbox?.banks ?? []), ...config.banks];
    const audit = await openServiceAudit(config, log.child({ service: 'audit' }));
    started.push({ stop: () => audit.store.close() });
    // NATS JetStream when configured; else every outbox is relayed straight to the consent
    // service's router in this process.
    const events = (await natsTransportOf(config, 'system', log)) ?? new InProcessTransport();
    started.push({ stop: () => events.close() });
    const deps = { log, clock, audit, shield: options.shield, events };
    // Consent and payments ask accounts about a PSU's accounts, so it starts first.
    const accounts = await startAccountsService(config, { ...deps, banks });
    started.push(accounts);
    const consent = await startConsentService(config, { ...deps, accountsUrl: accounts.url });
    started.push(consent);
    const payments = await startPaymentsService(config, {
      ...deps,
      banks,
      accountsUrl: accounts.url,
    });
    started.push(payments);

    const subgraphUrls = { consent: consent.url, accounts: accounts.url, payments: payments.url };
    const supergraphSdl = await supergraphFor({
      consent: `${consent.url}/graphql`,
      accounts: `${accounts.url}/graphql`,
      payments: `${payments.url}/graphql`,
    });
    const gateway = await startGatewayService(config, {
      log,
      supergraphSdl,
      consentUrl: consent.url,
      readinessChecks: {
        'db:consent': async () => void (await consent.db.$queryRaw`SELECT 1`),
        'db:accounts': async () => void (await accounts.db.$queryRaw`SELECT 1`),
        'db:payments': async () => void (await payments.db.$queryRaw`SELECT 1`),
      },
      sandboxCredentials: sandboxCredentials(),
    });
    started.push(gateway);
    // The default return-URL allow-list names the consent service's and the gateway's
    // origins; with random ports (tests) they are only known now.
    const ownOrigins = [consent.url, gateway.url];
    accounts.services.link?.returnUrls.allow(ownOrigins);
    // The banks send the PSU back through the gateway: one public address, and a form's
    // redirect chain (Chromium checks form-action on each hop) stays on the callback's origin.
    if (!config.accounts.bankCallbackUrl) {
      accounts.services.link?.setCallbackUrl(`${gateway.publicUrl}/connections/callback`);
    }
    if (!config.payments.bankCallbackUrl) {
      payments.services.payments.bankAuthorisation.setCallbackUrl(
        `${gateway.publicUrl}/payment-consents/callback`,
      );
    }
    payments.services.payments.bankAuthorisation.allowReturnOrigins(ownOrigins);

    return {
      gatewayUrl: gateway.url,
      banks,
      sandbox: sandbox && { banks: sandbox.banks, handles: sandbox.handles },
      subgraphUrls,
      supergraphSdl,
      sdl: { consent: consent.sdl, accounts: accounts.sdl, payments: payments.sdl },
      services: { ...consent.services, ...accounts.services, ...payments.services },
      db: { consent: consent.db, accounts: accounts.db, payments: payments.db },
      audit: audit.store,
      retention: consent.retention,
      stop: stopAll,
    };
  } catch (e) {
    await stopAll().catch(() => undefined);
    throw e;
  }
}
export type RunningSystem = Awaited<ReturnType<typeof startSystem>>;
