import type { BankDefinition } from '../../../shared/banks.ts';
import { badInput, upstreamUnavailable } from '../../../shared/errors/index.ts';

export interface SandboxPsuLogin {
  username: string;
  /** Default: the sandbox banks' rule, username + "-bank". */
  password?: string;
  decision?: 'approve' | 'deny';
  /** Bank account ids to share; default every account the page offers. */
  accountIds?: string[];
}

/**
 * SANDBOX ONLY, for the demo seed and tests: a scripted browser doing what a PSU does on a
 * sandbox bank's own pages — open the authorisation URL, log in, approve or deny — and
 * answering where the bank then sends the browser (our callback with code and state). The
 * same HTTP a person's browser sends; nothing the bank offers a TPP. Refused for real banks.
 */
export async function actAsSandboxPsu(
  bank: BankDefinition,
  authorisationUrl: string,
  login: SandboxPsuLogin,
  timeoutMs = 5_000,
): Promise<string> {
  if (!bank.sandbox) {
    throw badInput('Only a sandbox bank’s PSU can be scripted', { bankId: bank.id });
  }
  const browser = new ScriptedBrowser(new URL(bank.baseUrl).origin, timeoutMs);
  let page = await browser.follow(authorisationUrl);
  const loginForm = formOf(page.html);
  page = await browser.submit(loginForm.action, {
    form_token: loginForm.token,
    username: login.username,
    password: login.password ?? `${login.username}-bank`,
  });
  if (page.status !== 200) {
    throw badInput(`Sandbox bank ${bank.id} refused the login of ${login.username}`, {
      bankId: bank.id,
    });
  }
  const approval = formOf(page.html);
  const offered = [...page.html.matchAll(/name="account" value="([^"]+)"/g)].map((m) => m[1]!);
  const fields: Array<[string, string]> = [
    ['form_token', approval.token],
    ['decision', login.decision ?? 'approve'],
    ...(login.accountIds ?? offered).map((id): [string, string] => ['account', id]),
  ];
  const back = await browser.submit(approval.action, fields, false);
  if (!back.location) {
    throw upstreamUnavailable(`Sandbox bank ${bank.id} did not send the PSU back`, {
      bankId: bank.id,
    });
  }
  return back.location;
}

interface Page {
  status: number;
  html: string;
  location?: string;
}

/** Follows the bank's own redirects and keeps its cookies; stops at any other origin. */
class ScriptedBrowser {
  private readonly cookies = new Map<string, string>();

  constructor(
    private readonly origin: string,
    private readonly timeoutMs: number,
  ) {}

  async follow(url: string): Promise<Page> {
    let current = new URL(url, this.origin);
    for (let hops = 0; hops < 5; hops++) {
      const page = await this.request(current, { method: 'GET' });
      if (!page.location) return page;
      const next = new URL(page.location, current);
      if (next.origin !== this.origin) return page;
      current = next;
    }
    throw new Error('too many redirects at the sandbox bank');
  }

  async submit(
    action: string,
    fields: Record<string, string> | Array<[string, string]>,
    followOwn = true,
  ): Promise<Page> {
    const url = new URL(action, this.origin);
    const page = await this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    if (!page.location) return page;
    const next = new URL(page.location, url);
    if (next.origin !== this.origin || !followOwn) return { ...page, location: next.href };
    return this.follow(next.href);
  }

  private async request(url: URL, init: RequestInit): Promise<Page> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(url, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
      redirect: 'manual',
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    for (const set of response.headers.getSetCookie()) {
      const [pair = ''] = set.split(';');
      const [name = '', ...value] = pair.split('=');
      if (/max-age=0/i.test(set)) this.cookies.delete(name);
      else this.cookies.set(name, value.join('='));
    }
    const location = response.headers.get('location') ?? undefined;
    return {
      status: response.status,
      html: await response.text(),
      ...(location ? { location } : {}),
    };
  }
}

function formOf(html: string): { action: string; token: string } {
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const token = /name="form_token" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !token) throw new Error('the sandbox bank page has no form');
  return { action: action.replace(/&amp;/g, '&'), token };
}
