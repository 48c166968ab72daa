/** Page-number cursors: the data never changes under a bank, so numbers are stable. */
export const PAGE_PARAM = 'page';

export type PageRequest = { ok: true; page: number } | { ok: false; message: string };

export function readPage(query: URLSearchParams): PageRequest {
  const raw = query.get(PAGE_PARAM);
  if (raw === null) return { ok: true, page: 1 };
  if (!/^[1-9][0-9]{0,8}$/.test(raw))
    return { ok: false, message: `${PAGE_PARAM} must be a positive integer` };
  return { ok: true, page: Number(raw) };
}

export interface Page<T> {
  items: T[];
  page: number;
  totalPages: number;
}

export type PageResult<T> = { ok: true; value: Page<T> } | { ok: false; message: string };

export function slicePage<T>(items: readonly T[], page: number, size: number): PageResult<T> {
  const totalPages = Math.max(1, Math.ceil(items.length / size));
  if (page > totalPages)
    return { ok: false, message: `${PAGE_PARAM} ${page} is beyond the last page (${totalPages})` };
  return {
    ok: true,
    value: { items: items.slice((page - 1) * size, page * size), page, totalPages },
  };
}

/** The request's own URL with only the page number changed, so filters carry over. */
export function pageUrl(url: URL, page: number): string {
  const next = new URL(url.href);
  next.searchParams.set(PAGE_PARAM, String(page));
  return next.href;
}
