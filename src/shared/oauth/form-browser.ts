/** A page the scripted browser landed on. */
export interface Page {
  url: string;
  html: string;
}

/**
 * Just enough of a browser for our own hosted pages, over plain HTTP: a cookie jar, forms
 * with their CSRF field, and redirects followed within one origin. A redirect leaving it
 * (the client's redirect URI with the code) is answered, not followed.
 */
export class FormBrowser {
  private readonly cookies = new Map<string, string>();

  constructor(
    private readonly origin: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async open(url: string, init: RequestInit = {}): Promise<Page> {
    let at = url;
    let res = await this.go(at, init);
    while (res.status >= 300 && res.status < 400) {
      await res.body?.cancel();
      at = new URL(res.headers.get('location') ?? '', at).href;
      if (new URL(at).origin !== this.origin) return { url: at, html: '' };
      res = await this.go(at);
    }
    const html = await res.text();
    if (!res.ok) throw new Error(`${new URL(at).pathname}: ${res.status} ${textOf(html)}`);
    return { url: at, html };
  }

  /** Posts the page's form (its action and CSRF token) with these fields. */
  submit(page: Page, fields: Record<string, string | string[]>): Promise<Page> {
    const action = /<form method="post" action="([^"]+)"/.exec(page.html)?.[1];
    const csrf = /name="csrf" value="([^"]*)"/.exec(page.html)?.[1];
    if (!action || !csrf) throw new Error(`no form at ${new URL(page.url).pathname}`);
    const body = new URLSearchParams({ csrf });
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
    return this.open(new URL(action.replace(/&amp;/g, '&'), page.url).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
  }

  private async go(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) {
      headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    }
    const res = await fetch(url, {
      ...init,
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';');
      const i = pair.indexOf('=');
      const value = pair.slice(i + 1);
      if (value && !/max-age=0|expires=Thu, 01 Jan 1970/i.test(c))
        this.cookies.set(pair.slice(0, i), value);
      else this.cookies.delete(pair.slice(0, i));
    }
    return res;
  }
}

/** An error page's words, short: what went wrong, without the markup. */
function textOf(html: string): string {
  return html
    .replace(/<(style|script)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}
