import { createHash, randomBytes } from 'node:crypto';
import { currentTotpCode } from '../../src/subgraphs/consent/authorization/totp.ts';
import { demoPsus, demoStaff } from '../../src/subgraphs/consent/db/seed.ts';

/** A browser without a browser: fetch with a cookie jar and hand-followed redirects. */
export class Browser {
  private readonly cookies = new Map<string, string>();

  async go(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const jar = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (jar) headers.set('cookie', jar);
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (!value || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** Follows redirects while they stay on `origin`; returns the last answer and its URL. */
  async follow(url: string, origin: string, init: RequestInit = {}) {
    let res = await this.go(url, init);
    let at = url;
    while (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get('location')!, at).href;
      if (!next.startsWith(origin)) return { res, at, location: next };
      await res.body?.cancel();
      at = next;
      res = await this.go(next);
    }
    return { res, at, location: undefined as string | undefined };
  }

  postForm(form: Record<string, string | string[]>) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const one of [v].flat()) body.append(k, one);
    return {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    };
  }
}

export const basicAuth = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

export function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

export const hidden = (html: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';

export const accountValues = (html: string) =>
  [...html.matchAll(/name="account" value="([^"]+)"/g)].map((m) => m[1]!);

export function totpFor(username: string): string {
  const psu = [...demoPsus, ...demoStaff].find((p) => p.username === username)!;
  return currentTotpCode(psu.totpSecret);
}
