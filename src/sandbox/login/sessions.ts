import { randomBytes } from 'node:crypto';
import type { BankState, StateStore } from '../state.js';

/** What the TPP's authorisation request bound the code to (OBIE): checked at /oauth/token. */
export interface CodeBinding {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
}

/**
 * One PSU's visit to the bank's login and approval pages, from the TPP's redirect until
 * the bank sends the PSU back. Keyed by an unguessable id that travels in the page URLs;
 * the browser that logged in also holds `browserKey` in a cookie, so a leaked page URL
 * alone cannot approve.
 */
export interface LoginSession {
  id: string;
  /** The consent (OBIE intent, BG consent) or BG payment the PSU is asked to approve. */
  targetId: string;
  /** Where the PSU goes after approving; for OBIE the code, state and iss are added. */
  redirectUri: string;
  /** Berlin Group TPP-Nok-Redirect-URI: where a refusal goes (default redirectUri). */
  nokRedirectUri?: string;
  /** OBIE: echoed back with the code. */
  state?: string;
  binding?: CodeBinding;
  /** Anti-forgery token of the session's forms. */
  formToken: string;
  browserKey?: string;
  psu?: string;
  expiresAt: number;
}

const SESSION_TTL_MS = 15 * 60_000;

export class LoginSessions {
  private readonly store: StateStore<LoginSession>;

  constructor(
    state: BankState,
    private readonly now: () => number,
  ) {
    this.store = state.store('login-session');
  }

  open(
    fields: Omit<LoginSession, 'id' | 'formToken' | 'expiresAt' | 'browserKey' | 'psu'>,
  ): LoginSession {
    const session: LoginSession = {
      ...fields,
      id: token(),
      formToken: token(),
      expiresAt: this.now() + SESSION_TTL_MS,
    };
    this.store.set(session.id, session);
    return session;
  }

  find(id: string): LoginSession | undefined {
    const session = this.store.get(id);
    return session && session.expiresAt > this.now() ? session : undefined;
  }

  save(session: LoginSession): void {
    this.store.set(session.id, session);
  }

  /** A session ends with the redirect back: its page URLs are single use. */
  end(id: string): void {
    this.store.delete(id);
  }
}

export function token(): string {
  return randomBytes(24).toString('base64url');
}
