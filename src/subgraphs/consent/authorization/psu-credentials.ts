import type { IncomingMessage } from 'node:http';
import type { Clock } from '../../../shared/clock.ts';
import type { SecretBox } from '../../../shared/crypto/secret-box.ts';
import { clientAddressOf } from '../../../shared/throttle/index.ts';
import type { ConsentDb } from '../db/client.ts';
import {
  credentialGuard,
  requestIdOf,
  type CredentialGuardOptions,
  type CredentialThrottles,
} from '../http/credential-guard.ts';
import { verifySecret } from '../services/secret-hash.ts';
import { OAuthError } from '../services/token.service.ts';
import { verifyTotp } from './totp.ts';

export interface PsuCredentialOptions {
  db: ConsentDb;
  box: SecretBox;
  clock: Clock;
  throttles: CredentialThrottles;
  guard: CredentialGuardOptions;
  /** Verifies the client address the gateway forwards. */
  internalSecret?: string;
}

const dummyHash = 'scrypt$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export type SignedInPsu = NonNullable<Awaited<ReturnType<ConsentDb['psu']['findUnique']>>>;

/**
 * The one check of a sign-in form (username, password, TOTP), shared by the authorization
 * request's sign-in and the access dashboard's: the same throttles per PSU and address, the
 * same audited lockouts. Throws OAuthError (wrong credentials) or CredentialThrottled.
 */
export function psuCredentialCheck(o: PsuCredentialOptions) {
  const guarded = credentialGuard(o.guard);
  return async (req: IncomingMessage, form: URLSearchParams): Promise<SignedInPsu> => {
    const username = (form.get('username') ?? '').trim().slice(0, 100);
    const password = form.get('password') ?? '';
    const otp = (form.get('otp') ?? '').trim();
    const ctx = {
      address: await clientAddressOf(req, o.internalSecret),
      requestId: requestIdOf(req),
    };
    return guarded(o.throttles.psu, username || undefined, ctx, async () => {
      const found = username ? await o.db.psu.findUnique({ where: { username } }) : null;
      // Hash even for an unknown name, so timing does not tell which names exist.
      const passwordOk = await verifySecret(password, found?.passwordHash ?? dummyHash);
      if (!found || !passwordOk || !verifyTotp(o.box, found, otp, o.clock)) {
        throw new OAuthError('invalid_grant', 'Wrong credentials', 400, found?.id);
      }
      return found;
    });
  };
}
