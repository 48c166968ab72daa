import { pathToFileURL } from 'node:url';
import { clientCredentialsToken, execute } from './client.ts';
import { ListConsentsDocument } from './generated/graphql.ts';

/**
 * A client app listing its consents with a typed operation. Against a running gateway:
 *   npx tsx src/client/example.ts [gatewayUrl] [clientId] [clientSecret]
 */
export async function listAuthorisedConsents(gatewayUrl: string, clientId: string, secret: string) {
  const token = await clientCredentialsToken(gatewayUrl, clientId, secret);
  const { consents } = await execute(gatewayUrl, token, ListConsentsDocument, {
    status: 'Authorised',
  });
  // `consents` is typed from the operation: id, status, permissions, createdAt, expiresAt.
  return consents.map((c) => ({ id: c.id, permissions: c.permissions, expiresAt: c.expiresAt }));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [url = 'http://localhost:4000', id = 'demo-pfm', secret = 'demo-pfm-secret'] =
    process.argv.slice(2);
  listAuthorisedConsents(url, id, secret).then(
    (consents) => console.log(JSON.stringify(consents, null, 2)),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exitCode = 1;
    },
  );
}
