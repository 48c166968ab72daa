import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorPage, sendPage } from '../pages/layout.ts';
import type { BankLinkStart } from './psu-accounts.ts';

/**
 * The origin the PSU's browser sees our pages on, for the return URL the bank's callback
 * sends them back to. Behind the gateway that is X-Forwarded-Proto/Host, which the page
 * proxy sets from PUBLIC_URL (never from the caller); reached directly, the Host header.
 * A forged header gains nothing: the accounts service sends the PSU back only to an origin
 * on its allow-list (CONNECTION_RETURN_ORIGINS), and refuses to start the link otherwise.
 */
export function publicOrigin(req: IncomingMessage): string {
  const first = (name: string) => {
    const value = req.headers[name];
    return (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim() || undefined;
  };
  const proto = first('x-forwarded-proto') === 'https' ? 'https' : 'http';
  return `${proto}://${first('x-forwarded-host') ?? first('host') ?? 'localhost'}`;
}

/** Bank ids as the accounts service names them; anything else is not worth asking about. */
const bankIdPattern = /^[\w.-]{1,64}$/;

export function plausibleBankId(value: string | null): value is string {
  return value !== null && bankIdPattern.test(value);
}

/**
 * Sends the browser to the bank's own login page (303), or answers a page saying in plain
 * words why the link could not start: no such bank (404), the bank or the accounts
 * service down (503), anything else the accounts service refused (400).
 */
export function goToBank(res: ServerResponse, started: BankLinkStart | null, back: string): void {
  if (started?.ok) {
    const url = new URL(started.authorisationUrl);
    if (url.protocol === 'https:' || url.protocol === 'http:') {
      res.writeHead(303, { location: url.href, 'cache-control': 'no-store' });
      res.end();
      return;
    }
  }
  const unknown = started && !started.ok && started.code === 'NOT_FOUND';
  const down =
    !started || started.ok || ['UPSTREAM_UNAVAILABLE', 'RATE_LIMITED'].includes(started.code);
  const [status, title, message] = unknown
    ? [404, 'No such bank', 'We cannot link that bank. Choose one from the list.']
    : down
      ? [
          503,
          'Your bank cannot be reached',
          'Linking a bank is not possible right now. Try again in a minute.',
        ]
      : [
          400,
          'This bank cannot be linked',
          'Linking that bank did not start. Try again, or choose another bank.',
        ];
  sendPage(res, status, errorPage(title, message, back));
}

/** The callback's outcome (`status` in the return URL) in the PSU's words. */
export function linkOutcome(status: string | null): { notice?: string; error?: string } {
  if (status === 'Active') return { notice: 'Bank linked. Its accounts are listed below.' };
  if (status === 'Rejected')
    return { error: 'You did not approve at your bank, so nothing was linked.' };
  if (status) return { error: 'Your bank could not be linked. Try again in a minute.' };
  return {};
}
