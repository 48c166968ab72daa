import { request, type OutgoingHttpHeaders } from 'node:http';

/**
 * A POST through node:http, which sends an array header value as repeated header lines
 * (fetch would join them into one).
 */
export function rawPost(
  url: string,
  headers: Record<string, string | string[]>,
  body: string,
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    // OutgoingHttpHeaders types Authorization as one string; Node sends an array as lines.
    const req = request(url, { method: 'POST', headers: headers as OutgoingHttpHeaders }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
