import { badInput } from '../../../shared/errors/index.ts';

/**
 * Where the callback may send the PSU once the bank is done: only to an origin on the
 * allow-list (CONNECTION_RETURN_ORIGINS; default the gateway's and the consent service's),
 * so the callback can never be used as an open redirect.
 */
export class ReturnUrlRule {
  private readonly origins = new Set<string>();

  constructor(origins: readonly string[]) {
    this.allow(origins);
  }

  /** The embedded default learns the consent service's and gateway's ports after they listen. */
  allow(origins: readonly string[]): void {
    for (const origin of origins) this.origins.add(new URL(origin).origin);
  }

  check(returnUrl: string): string {
    let url: URL;
    try {
      url = new URL(returnUrl);
    } catch {
      throw badInput('returnUrl must be an absolute URL', { reason: 'return_url_invalid' });
    }
    const allowed =
      (url.protocol === 'https:' || url.protocol === 'http:') &&
      url.username === '' &&
      url.password === '' &&
      this.origins.has(url.origin);
    if (!allowed) {
      throw badInput('returnUrl is not on this installation’s allow-list', {
        reason: 'return_url_not_allowed',
      });
    }
    return url.href;
  }
}
