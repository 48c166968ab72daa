import { malformedResponse } from '../../../shared/bank-http/errors.js';

export interface PagingOptions<P> {
  bankId: string;
  endpoint: string;
  /** The bank's base URL: next links must stay on its origin. */
  bankUrl: URL;
  first: URL;
  fetchPage: (url: URL) => Promise<P>;
  /** The page's next link (absolute or relative), if any. */
  nextOf: (page: P) => string | undefined;
  maxPages: number;
}

/**
 * Fetches every page, or fails as a whole: callers never get the first pages of a list
 * presented as if it were complete.
 */
export async function collectPages<P>(options: PagingOptions<P>): Promise<P[]> {
  const { bankId, endpoint, bankUrl } = options;
  const pages: P[] = [];
  const seen = new Set<string>();
  let url: URL | undefined = options.first;
  while (url) {
    if (pages.length >= options.maxPages) {
      throw malformedResponse(bankId, endpoint, `more than ${options.maxPages} pages`);
    }
    seen.add(url.href);
    const page: P = await options.fetchPage(url);
    pages.push(page);
    const next = options.nextOf(page);
    if (next === undefined) break;
    url = resolveNext(next, bankUrl, bankId, endpoint);
    if (seen.has(url.href)) throw malformedResponse(bankId, endpoint, 'next link loops back');
  }
  return pages;
}

function resolveNext(href: string, bankUrl: URL, bankId: string, endpoint: string): URL {
  let next: URL;
  try {
    next = new URL(href, bankUrl);
  } catch {
    throw malformedResponse(bankId, endpoint, 'next link is not a URL');
  }
  // Our bearer token / consent id goes with every page; it must not leave the bank.
  if (next.origin !== bankUrl.origin) {
    throw malformedResponse(bankId, endpoint, 'next link points outside the bank');
  }
  return next;
}
