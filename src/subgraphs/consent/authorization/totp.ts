import { totpOf } from '../../../shared/crypto/totp.ts';
import type { SecretBox } from '../../../shared/crypto/secret-box.ts';
import type { Clock } from '../../../shared/clock.ts';

export { currentTotpCode, totpOf, totpUri } from '../../../shared/crypto/totp.ts';

/** The sealed column's associated data: a secret copied onto another PSU does not open. */
export const totpContext = (psuId: string) => `psu:${psuId}:totp`;

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
