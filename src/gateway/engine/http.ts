import type { IncomingMessage } from 'node:http';
import { badInput } from '../../shared/errors/index.ts';
import { readBody } from '../../shared/http/graphql-handler.ts';
import type { OperationRequest } from './index.ts';

/**
 * The operation in an HTTP request, as Apollo Server took it: a JSON body for POST, query
 * parameters for GET, one operation per request (no batching). Throws the client's mistake.
 */
export async function readOperation(
  req: IncomingMessage,
  maxBodyBytes: number,
): Promise<OperationRequest> {
  if (req.method === 'GET') return fromSearch(new URL(req.url ?? '/', 'http://localhost'));
  const text = await readBody(req, maxBodyBytes);
  const contentType = req.headers['content-type'] ?? '';
  if (!/json/i.test(contentType))
    throw badRequest('POST body must be JSON: send content-type application/json');
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    throw badInput('Request body is not valid JSON');
  }
  if (Array.isArray(body)) throw badRequest('Operation batching disabled.');
  if (body === null || typeof body !== 'object')
    throw badRequest('POST body must be a JSON object');
  return body as OperationRequest;
}

function fromSearch(url: URL): OperationRequest {
  const json = (name: string) => {
    const value = url.searchParams.get(name);
    if (value === null) return undefined;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      throw badRequest(`The ${name} search parameter contains invalid JSON.`);
    }
  };
  return {
    query: url.searchParams.get('query') ?? undefined,
    operationName: url.searchParams.get('operationName') ?? undefined,
    variables: json('variables'),
    extensions: json('extensions'),
  };
}

const badRequest = (message: string) => badInput(message);
