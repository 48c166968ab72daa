import { composeSupergraph, type SubgraphSdl } from './gateway/compose.ts';
import type { Config } from './shared/config/index.ts';
import { printSubgraph } from './shared/federation/build-subgraph.ts';
import { accountsSubgraph } from './subgraphs/accounts/definition.ts';
import { consentSubgraph } from './subgraphs/consent/definition.ts';
import { paymentsSubgraph } from './subgraphs/payments/definition.ts';

export const subgraphNames = ['consent', 'accounts', 'payments'] as const;
export type SubgraphName = (typeof subgraphNames)[number];

const definitions = {
  consent: consentSubgraph,
  accounts: accountsSubgraph,
  payments: paymentsSubgraph,
};

let printed: Promise<Record<SubgraphName, string>> | undefined;

/** Every subgraph's SDL from its classes alone: no database, port, key or service. */
export function printSubgraphs(): Promise<Record<SubgraphName, string>> {
  printed ??= (async () => {
    const sdl = await Promise.all(subgraphNames.map((n) => printSubgraph(definitions[n])));
    return Object.fromEntries(subgraphNames.map((n, i) => [n, sdl[i]!])) as Record<
      SubgraphName,
      string
    >;
  })();
  return printed;
}

/** The supergraph the gateway plans over, with each subgraph at the given GraphQL URL. */
export async function supergraphFor(urls: Record<SubgraphName, string>): Promise<string> {
  const sdl = await printSubgraphs();
  return composeSupergraph(
    subgraphNames.map((name) => ({ name, url: urls[name], sdl: sdl[name] })),
  );
}

/**
 * The subgraph SDLs as the code prints them, and the supergraph composed with the
 * configured subgraph URLs: what schema/ must hold. Starts nothing.
 */
export async function buildAllSchemas(
  config: Config,
): Promise<{ subgraphs: SubgraphSdl[]; supergraph: string }> {
  const sdl = await printSubgraphs();
  const subgraphs = subgraphNames.map((name) => ({
    name,
    url: config.subgraphUrls[name],
    sdl: sdl[name],
  }));
  return { subgraphs, supergraph: composeSupergraph(subgraphs) };
}
