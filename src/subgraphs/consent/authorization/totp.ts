import { Secret, TOTP } from 'otpauth';
import type { SecretBox } from '../../../shared/crypto/secret-box.ts';
import type { Clock } from '../../../shared/clock.ts';

/** RFC 6238 defaults every authenticator app understands: SHA-1, 6 digits, 30 s. */
const totpParameters = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
const issuerLabel = 'Ledgergraph';

/** The sealed column's associated data: a secret copied onto another PSU does not open. */
export const totpContext = (psuId: string) => `psu:${psuId}:totp`;

export function totpOf(base32Secret: string, username: string): TOTP {
  return new TOTP({
    issuer: issuerLabel,
    label: username,
    secret: Secret.fromBase32(base32Secret),
    ...totpParameters,
  });
}

/** What an authenticator app scans (or a person pastes): `otpauth://totp/...`. */
export const totpUri = (base32Secret: string, username: string): string =>
  totpOf(base32Secret, username).toString();

/** The code valid now, for the CLI and the tests. */
export const currentTotpCode = (base32Secret: string, clock?: Clock): string =>
  totpOf(base32Secret, 'x').generate({ timestamp: (clock?.now() ?? new Date()).getTime() });

/**
 * Checks a PSU's code against their sealed secret: the current step and one either side
 * (clock drift between the phone and us). A PSU without a secret never passes.
 */
export function verifyTotp(
  box: SecretBox,
  psu: { id: string; username: string; totpSecret: string | null },
  code: string,
  clock: Clock,
): boolean {
  if (!psu.totpSecret || !/^\d{6}$/.test(code)) return false;
  const secret = box.open(psu.totpSecret, totpContext(psu.id));
  const delta = totpOf(secret, psu.username).validate({
    token: code,
    timestamp: clock.now().getTime(),
    window: 1,
  });
  return delta !== null;
}

export const sealTotpSecret = (box: SecretBox, psuId: string, base32Secret: string): string =>
  box.seal(base32Secret, totpContext(psuId));
