import { parse, type EnumTypeDefinitionNode } from 'graphql';
import { checkTimeoutMs, type ReadinessCheck } from '../shared/http/ops.ts';

export { opsRoutes, type ReadinessCheck } from '../shared/http/ops.ts';

/** Subgraph names and URLs as the supergraph's join__Graph enum lists them. */
export function subgraphsOf(supergraphSdl: string): { name: string; url: string }[] {
  const graphs = parse(supergraphSdl).definitions.find(
    (d): d is EnumTypeDefinitionNode =>
      d.kind === 'EnumTypeDefinition' && d.name.value === 'join__Graph',
  );
  return (graphs?.values ?? []).flatMap((v) => {
    const args = v.directives?.find((d) => d.name.value === 'join__graph')?.arguments ?? [];
    const arg = (n: string) => {
      const value = args.find((a) => a.name.value === n)?.value;
      return value?.kind === 'StringValue' ? value.value : undefined;
    };
    const name = arg('name');
    const url = arg('url');
    return name && url ? [{ name, url }] : [];
  });
}

/** A subgraph is up when it answers `{ __typename }` (no identity, no resolver, no data). */
export function subgraphCheck(url: string): ReadinessCheck {
  return async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
      signal: AbortSignal.timeout(checkTimeoutMs),
    });
    const body = (await res.json().catch(() => undefined)) as
      { data?: { __typename?: string } } | undefined;
    if (!res.ok || !body?.data?.__typename) throw new Error(`answered HTTP ${res.status}`);
  };
}
