/** Reading bank bodies defensively: bounded size, JSON or nothing. */

export class BodyTooLargeError extends Error {}

/** Reads the body as text, refusing more than maxBytes so a bad bank cannot exhaust memory. */
export async function readBodyText(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new BodyTooLargeError(`body larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export type ParsedJson = { ok: true; value: unknown } | { ok: false };

export function parseJson(text: string): ParsedJson {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

const safeCode = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The machine-readable error codes in an OBIE (Errors[].ErrorCode, Code), OAuth (error) or
 * Berlin Group (tppMessages[].code, problem+json code / additionalErrors[].code) error body. Only
 * code-shaped strings are kept: free text from a bank is never echoed to our callers.
 */
export function bankErrorCodes(body: unknown): string[] {
  const codes: unknown[] = [];
  if (isRecord(body)) {
    codes.push(body['code'], body['Code'], body['error']);
    for (const key of ['Errors', 'tppMessages', 'additionalErrors']) {
      const list = body[key];
      if (!Array.isArray(list)) continue;
      for (const item of list) {
        if (isRecord(item)) codes.push(item['ErrorCode'], item['code']);
      }
    }
  }
  const found = codes.filter((c): c is string => typeof c === 'string' && safeCode.test(c));
  return [...new Set(found)].slice(0, 5);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
