import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../../shared/clock.ts';
import type { ConsentDb } from '../db/client.ts';
import { prismaAdapter } from './adapter.ts';

/** A signed-in person on the dashboard or console: who, and which staff scopes they hold. */
export interface AccountSession {
  id: string;
  psuId: string;
  displayName: string;
  /** Read from the store on every request: a role taken away bites at once. */
  staffScopes: string[];
}

export const sessionCookie = 'lg_account';
/** Short: the dashboard revokes access, the console reads the audit log. */
const sessionSeconds = 15 * 60;

/**
 * Sessions of the account pages (the PSU's access dashboard, the compliance console), held
 * server-side in the authorization server's store (shared by replicas, ended at sign-out):
 * the cookie carries only a random id. They are separate from oidc-provider's sessions,
 * which live for one authorization request and never sign anyone in to anything else.
 */
export class AccountSessions {
  private readonly store: InstanceType<ReturnType<typeof prismaAdapter>>;

  constructor(
    private readonly db: ConsentDb,
    clock: Clock,
    private readonly o: { csrfKey: string; secure: boolean },
  ) {
    this.store = new (prismaAdapter(db, clock))('AccountSession');
  }

  async start(res: ServerResponse, psuId: string): Promise<void> {
    const id = randomBytes(32).toString('base64url');
    await this.store.upsert(id, { psuId }, sessionSeconds);
    res.appendHeader('set-cookie', this.cookie(id, sessionSeconds));
  }

  async of(req: IncomingMessage): Promise<AccountSession | undefined> {
    const id = cookieValue(req, sessionCookie);
    if (!id || !/^[\w-]{43}$/.test(id)) return undefined;
    const found = (await this.store.find(id)) as { psuId?: string } | undefined;
    const psu = found?.psuId && (await this.db.psu.findUnique({ where: { id: found.psuId } }));
    if (!psu) return undefined;
    return {
      id,
      psuId: psu.id,
      displayName: psu.displayName,
      staffScopes: psu.staffScopes.split(' ').filter(Boolean),
    };
  }

  async end(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const id = cookieValue(req, sessionCookie);
    if (id) await this.store.destroy(id);
    res.appendHeader('set-cookie', this.cookie('', 0));
  }

  /** The forms' CSRF token: bound to the session, so a page of another session cannot post. */
  csrf(session: AccountSession): string {
    return createHmac('sha256', this.o.csrfKey).update(`account:${session.id}`).digest('base64url');
  }

  csrfOk(session: AccountSession, sent: string | null): boolean {
    const want = Buffer.from(this.csrf(session));
    const got = Buffer.from(sent ?? '');
    return got.length === want.length && timingSafeEqual(got, want);
  }

  private cookie(value: string, maxAge: number): string {
    // SameSite=Strict: no other site's page can make the browser send it (CSRF's first wall).
    return `${sessionCookie}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${
      this.o.secure ? '; Secure' : ''
    }`;
  }
}

export function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}
