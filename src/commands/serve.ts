import { loadServiceConfig, serviceNames, type ServiceName } from '../shared/config/services.ts';
import type { Config } from '../shared/config/index.ts';
import { stopSignal } from './stop-signal.ts';

interface Running {
  stop(): Promise<void>;
}

/** Each service from its own entry point, loaded only when asked for. */
const starters: Record<ServiceName, (config: Config) => Promise<Running & { where: string }>> = {
  gateway: async (config) => {
    const { startGatewayService } = await import('../gateway/service.ts');
    const { supergraphFor } = await import('../schemas.ts');
    const urls = config.subgraphUrls;
    const gateway = await startGatewayService(config, {
      supergraphSdl: await supergraphFor(urls),
      consentUrl: new URL(urls.consent).origin,
      sandboxCredentials: (await import('../subgraphs/consent/db/seed.ts')).sandboxCredentials(),
    });
    return { ...gateway, where: `${gateway.url}/graphql` };
  },
  consent: async (config) => {
    const { startConsentService } = await import('../subgraphs/consent/service.ts');
    const consent = await startConsentService(config);
    return { ...consent, where: `${consent.url}/graphql` };
  },
  accounts: async (config) => {
    const { startAccountsService } = await import('../subgraphs/accounts/service.ts');
    const accounts = await startAccountsService(config);
    return { ...accounts, where: `${accounts.url}/graphql` };
  },
  payments: async (config) => {
    const { startPaymentsService } = await import('../subgraphs/payments/service.ts');
    const payments = await startPaymentsService(config);
    return { ...payments, where: `${payments.url}/graphql` };
  },
  banks: async (config) => {
    const { startBanksService } = await import('../sandbox/service.ts');
    const banks = await startBanksService(config);
    return { ...banks, where: banks.banks.map((b) => `${b.id} ${b.baseUrl}`).join(', ') };
  },
};

/**
 * `serve <service>`: one service in this process, reading only its own variables
 * (src/shared/config/services.ts), until SIGINT/SIGTERM.
 */
export async function serve(args: string[]): Promise<number> {
  const name = args[0] as ServiceName | undefined;
  if (!name || !serviceNames.includes(name)) {
    console.error(`usage: serve <${serviceNames.join('|')}>`);
    return 2;
  }
  const running = await starters[name](loadServiceConfig(name));
  const stopAsked = stopSignal();
  // One line a supervisor or a test can wait for.
  console.log(`ledgergraph ${name} ready: ${running.where}`);
  await stopAsked;
  await running.stop();
  return 0;
}
