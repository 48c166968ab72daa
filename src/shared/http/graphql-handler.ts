import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { AppError, badInput } from '../errors/index.ts';
import { applicationJson, graphqlMediaType } from './media-type.ts';

/**
 * Reads a request body, refusing more than `limit` bytes without buffering the excess. Past
 * the limit the rest is drained and discarded, not reset, so the client still receives
 * the 413 instead of a broken connection.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const tooLarge = () =>
    new AppError('BAD_USER_INPUT', `Request body exceeds ${limit} bytes`, {
      http: 413,
      limit: 'bodySize',
      max: limit,
    });
  if (Number(req.headers['content-length'] ?? 0) > limit) throw tooLarge();
  // The client hung up before this read began (while its token was checked, say): the
  // request's 'close' has been, its buffered body is gone, and waiting would wait for ever.
  if (req.destroyed) throw abandonedBody();
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.off('end', onEnd);
      req.resume();
      reject(tooLarge());
    };
    let ended = false;
    const onEnd = () => {
      ended = true;
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    req.on('data', onData);
    req.once('end', onEnd);
    // Before 'end', an error ('aborted') or a close means the client went away mid-body: its
    // doing, not ours. After 'end' every request closes, and building an error there (its
    // stack trace) cost ~1 % of a balance's CPU for nothing.
    const abandoned = () => {
      if (!ended) reject(abandonedBody());
    };
    req.once('error', abandoned);
    req.once('close', abandoned);
  });
}

const abandonedBody = () => badInput('Request body was not completed');

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': applicationJson,
    'content-length': Buffer.byteLength(text),
    date: new Date().toUTCString(),
    ...headers,
  });
  res.end(text);
}

/**
 * A GraphQL response holding one error, for failures before execution (auth, body size): the
 * status says what failed, and any client reads `extensions.code` from the body, whichever
 * media type its Accept header chose.
 */
export function sendGraphQLError(
  res: ServerResponse,
  error: AppError,
  headers: Record<string, string> = {},
  accept?: string,
): void {
  const { http: _http, ...details } = error.details;
  sendJson(
    res,
    error.httpStatus,
    { errors: [{ message: error.message, extensions: { code: error.code, ...details } }] },
    { 'content-type': graphqlMediaType(accept), ...headers },
  );
}

/**
 * Hands one HTTP request to Apollo Server (the role an integration package plays), with a
 * body limit and a JSON body parsed here so a broken body is a clear 400.
 */
export async function handleGraphQL<C extends BaseContext>(
  server: ApolloServer<C>,
  req: IncomingMessage,
  res: ServerResponse,
  options: {
    maxBodyBytes: number;
    context: () => Promise<C>;
    headers?: Record<string, string>;
    /**
     * Sees each operation as sent (POST body or GET parameters) before Apollo parses it, and
     * may refuse it by throwing an AppError.
     */
    inspect?: (operation: { query?: unknown; variables?: unknown }) => void;
    /** Told about a refusal before Apollo runs (oversize or broken body), e.g. for metrics. */
    onError?: (e: AppError) => void;
  },
): Promise<void> {
  const extra = options.headers ?? {};
  const url = new URL(req.url ?? '/', 'http://localhost');
  let body: unknown;
  try {
    const text = req.method === 'POST' ? await readBody(req, options.maxBodyBytes) : '';
    body = text ? parseJson(text) : undefined;
    if (options.inspect) {
      for (const operation of req.method === 'POST' ? [body].flat() : [fromSearch(url)]) {
        if (operation !== null && typeof operation === 'object') options.inspect(operation);
      }
    }
  } catch (e) {
    if (e instanceof AppError) {
      options.onError?.(e);
      // An oversize body may still be arriving: do not offer the connection for reuse.
      const close: Record<string, string> = e.details.http === 413 ? { connection: 'close' } : {};
      return sendGraphQLError(res, e, { ...extra, ...close }, req.headers.accept);
    }
    throw e;
  }
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const result = await server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
    context: options.context,
  });
  for (const [key, value] of result.headers) res.setHeader(key, value);
  for (const [key, value] of Object.entries(extra)) res.setHeader(key, value);
  res.setHeader('date', new Date().toUTCString());
  res.statusCode = result.status ?? 200;
  if (result.body.kind === 'complete') {
    res.end(result.body.string);
    return;
  }
  for await (const chunk of result.body.asyncIterator) res.write(chunk);
  res.end();
}

/** A GET operation's query and variables; variables that are not JSON are Apollo's to refuse. */
function fromSearch(url: URL): { query?: unknown; variables?: unknown } {
  const variables = url.searchParams.get('variables');
  let parsed: unknown;
  try {
    parsed = variables ? JSON.parse(variables) : undefined;
  } catch {
    parsed = undefined;
  }
  return { query: url.searchParams.get('query') ?? undefined, variables: parsed };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badInput('Request body is not valid JSON');
  }
}
