import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { bankUnavailable } from '../../../shared/bank-http/errors.ts';
import { AppError, ErrorCode, upstreamUnavailable } from '../../../shared/errors/index.ts';
import type { Bank } from '../banks/directory.ts';
import { registerAtSandboxBank } from '../../../shared/bank-auth/registration.ts';
import { TppSigningKey } from '../../../shared/bank-auth/tpp-key.ts';
import { ObieConnector } from '../connectors/obie/connector.ts';
import type { ConnectionRow } from './connection.service.ts';
import type { ReturnUrlRule } from './return-url.ts';

/** What a waiting connection keeps (sealed) to check and finish the PSU's return. */
export interface PendingLink {
  /** SHA-256 of the state's secret part; the state itself is never stored. */
  stateHash: string;
  codeVerifier: string;
  nonce: string;
  /** The redirect URI the bank was given (OBIE: must be repeated at the token endpoint). */
  redirectUri: string;
  returnUrl?: string;
}

export interface LinkOutcome {
  connection: ConnectionRow;
  returnUrl?: string;
  error?: { code: string; message: string; reason?: string };
}

export const linkOutcome = (
  connection: ConnectionRow,
  link: PendingLink,
  error?: LinkOutcome['error'],
): LinkOutcome => ({
  connection,
  ...(link.returnUrl ? { returnUrl: link.returnUrl } : {}),
  ...(error ? { error } : {}),
});

const secret = () => randomBytes(32).toString('base64url');
const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

/**
 * Sending the PSU to their bank's own login and taking them back: the state (bound to one
 * connection, single use), PKCE, the signed request object (OBIE) and the callback URL.
 */
export class BankLink {
  private key?: Promise<TppSigningKey>;
  private callback?: string;

  constructor(
    readonly returnUrls: ReturnUrlRule,
    private readonly timeoutMs: number,
  ) {}

  /** Where the PSU's browser reaches our callback: known once the service listens. */
  setCallbackUrl(url: string): void {
    this.callback = url;
  }

  get callbackUrl(): string {
    if (!this.callback) {
      throw upstreamUnavailable('Bank linking is not ready yet (no callback URL)', {
        reason: 'starting',
      });
    }
    return this.callback;
  }

  checkReturnUrl(url: string): string {
    return this.returnUrls.check(url);
  }

  pending(
    connectionId: string,
    returnUrl?: string,
  ): { state: string; callbackWithState: string; link: PendingLink } {
    const key = secret();
    const state = `${connectionId}.${key}`;
    const withState = new URL(this.callbackUrl);
    withState.searchParams.set('state', state);
    return {
      state,
      callbackWithState: withState.href,
      link: {
        stateHash: sha256(key),
        codeVerifier: secret(),
        nonce: secret(),
        redirectUri: this.callbackUrl,
        ...(returnUrl ? { returnUrl } : {}),
      },
    };
  }

  async authorisationUrl(
    bank: Bank,
    bankConsentId: string,
    link: PendingLink,
    state: string,
  ): Promise<string> {
    if (!(bank.connector instanceof ObieConnector)) {
      throw new Error(`Bank ${bank.definition.id} has no OBIE authorization endpoint`);
    }
    const key = await (this.key ??= TppSigningKey.generate());
    await registerAtSandboxBank(bank.definition, key, link.redirectUri, this.timeoutMs);
    return bank.connector.authorisationUrl(
      {
        bankConsentId,
        redirectUri: link.redirectUri,
        state,
        nonce: link.nonce,
        codeChallenge: sha256(link.codeVerifier),
        scope: 'accounts',
      },
      (claims) => key.sign(claims),
    );
  }

  readState(state: string | null): { connectionId: string; key: string } | undefined {
    const match = /^(con_[0-9a-f]{32})\.([A-Za-z0-9_-]{43})$/.exec(state ?? '');
    return match ? { connectionId: match[1]!, key: match[2]! } : undefined;
  }

  stateMatches(link: PendingLink, key: string | undefined): boolean {
    if (!key) return false;
    const actual = Buffer.from(sha256(key));
    const expected = Buffer.from(link.stateHash);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  /**
   * What the bank's redirect says. OBIE (RFC 9207): `iss` must be the bank we sent the PSU
   * to, or the answer may come from another bank (mix-up); `error` is a refusal or a fault.
   */
  bankAnswer(bank: Bank, params: URLSearchParams): { refused: boolean; code?: string } {
    if (bank.definition.standard !== 'obie') return { refused: false };
    const bankId = bank.definition.id;
    const iss = params.get('iss');
    if (iss !== null && iss !== new URL(bank.definition.baseUrl).origin) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, 'The answer names another bank as its issuer', {
        bankId,
        reason: 'issuer_mismatch',
      });
    }
    const error = params.get('error');
    if (error === 'access_denied') return { refused: true };
    if (error) {
      throw bankUnavailable(`Bank ${bankId} refused the authorisation`, {
        bankId,
        reason: 'bank_rejected_request',
        bankErrorCodes: [error.slice(0, 40)],
      });
    }
    const code = params.get('code');
    if (!code) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, 'The bank sent no authorisation code', {
        bankId,
        reason: 'code_missing',
      });
    }
    return { refused: false, code };
  }
}
