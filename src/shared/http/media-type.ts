export const applicationJson = 'application/json; charset=utf-8';
export const graphqlResponseJson = 'application/graphql-response+json; charset=utf-8';

/**
 * The media type of a GraphQL response, chosen as Apollo Server chooses it, so refusals
 * made before Apollo runs look like Apollo's own answers: application/graphql-response+json
 * when the client prefers it (GraphQL over HTTP), application/json otherwise, on a tie,
 * without Accept, and when neither is acceptable (the client still gets a readable error).
 */
export function graphqlMediaType(accept: string | undefined): string {
  if (!accept) return applicationJson;
  return quality(accept, 'application/graphql-response+json') > quality(accept, 'application/json')
    ? graphqlResponseJson
    : applicationJson;
}

/** The q a type gets from the most specific media range that matches it (RFC 9110 §12.5.1). */
function quality(accept: string, type: string): number {
  const [major] = type.split('/');
  let specificity = -1;
  let q = 0;
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    const s = range === type ? 2 : range === `${major}/*` ? 1 : range === '*/*' ? 0 : -1;
    if (s < 0 || s < specificity) continue;
    const given = params.find((p) => p.startsWith('q='));
    const value = given ? Number(given.slice(2)) : 1;
    q = s > specificity ? value : Math.max(q, value);
    specificity = s;
  }
  return Number.isFinite(q) ? q : 0;
}
