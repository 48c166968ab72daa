import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';

/**
 * Security headers of every hosted page: no framing (clickjacking the approve button), no
 * script at all, styles only from our own origin, nothing leaked in the Referer. No
 * `form-action`: browsers apply it to the redirects after a submit, and the consent form's
 * last redirect goes to the client app's registered redirect URI.
 */
export const pageHeaders: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export const stylesheetPath = '/signin-assets/style.css';
const stylesheet = readFileSync(join(import.meta.dirname, 'assets', 'style.css'));

/** Text into HTML (element content and quoted attributes). */
export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** `wide`: the dashboard and console, whose tables need the room. */
export function page(title: string, body: string, o: { wide?: boolean } = {}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Ledgergraph</title>
<link rel="stylesheet" href="${stylesheetPath}">
</head>
<body>
<header class="brand"><span aria-hidden="true" class="logo">◆</span> Ledgergraph</header>
<main id="main"${o.wide ? ' class="wide"' : ''}>
${body}
</main>
</body>
</html>`;
}

export function sendPage(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { ...pageHeaders, 'content-type': 'text/html; charset=utf-8' });
  res.end(html);
}

export function sendStylesheet(res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/css; charset=utf-8',
    'x-content-type-options': 'nosniff',
    'cache-control': 'public, max-age=3600',
  });
  res.end(stylesheet);
}

/** The one error page: what went wrong in words, never a stack or a token. */
export function errorPage(
  title: string,
  message: string,
  next = 'Return to the app you came from and start again.',
): string {
  return page(
    title,
    `<h1>${esc(title)}</h1>
<p role="alert">${esc(message)}</p>
<p>${esc(next)}</p>`,
  );
}

/** A date and time as people read it, in UTC (said so). */
export const when = (d: Date | null | undefined, none = '—'): string =>
  d
    ? `${d.toLocaleString('en-GB', {
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        timeZone: 'UTC',
      })} UTC`
    : none;
