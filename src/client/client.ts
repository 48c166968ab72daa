import type { TypedDocumentString } from './generated/graphql.ts';

/** A GraphQL answer with errors; `codes` are the `extensions.code`s to switch on. */
export class GraphQLRequestError extends Error {
  constructor(
    readonly status: number,
    readonly errors: { message: string; extensions?: { code?: string } }[],
  ) {
    super(errors.map((e) => e.message).join('; ') || `HTTP ${status}`);
    this.name = 'GraphQLRequestError';
  }

  get codes(): string[] {
    return this.errors.map((e) => String(e.extensions?.code));
  }
}

/** An access token for a client app acting for itself (OAuth client_credentials). */
export async function clientCredentialsToken(
  gatewayUrl: string,
  clientId: string,
  clientSecret: string,
): Promise<string> {
  const res = await fetch(`${gatewayUrl}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  });
  const body = (await res.json()) as { access_token?: string; error?: string };
  if (!body.access_token) throw new Error(`token request refused: ${body.error ?? res.status}`);
  return body.access_token;
}

/**
 * Runs a generated, typed operation: the variables are checked against the operation and
 * the result comes back as its generated type. Any GraphQL error throws.
 */
export async function execute<TResult, TVariables>(
  gatewayUrl: string,
  accessToken: string,
  document: TypedDocumentString<TResult, TVariables>,
  ...[variables]: Record<string, never> extends TVariables
    ? [variables?: TVariables]
    : [variables: TVariables]
): Promise<TResult> {
  const res = await fetch(`${gatewayUrl}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${accessToken}`,
    },
    body: JSON.stringify({ query: document.toString(), variables }),
  });
  const body = (await res.json()) as { data?: TResult; errors?: GraphQLRequestError['errors'] };
  if (body.errors?.length || !body.data)
    throw new GraphQLRequestError(res.status, body.errors ?? []);
  return body.data;
}
