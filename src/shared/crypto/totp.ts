import { Secret, TOTP } from 'otpauth';
import type { Clock } from '../clock.ts';

/**
 * RFC 6238 one-time codes with the defaults every authenticator app understands (SHA-1,
 * 6 digits, 30 s). Shared: the consent service checks them; the scripted hosted-flow browser
 * (sandbox script, playground, tests) computes the demo PSU's from its published secret.
 */
const totpParameters = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
const issuerLabel = 'Ledgergraph';

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

/** The code valid now (by `clock`, else the system's), for the CLI, scripts and tests. */
export const currentTotpCode = (base32Secret: string, clock?: Clock): string =>
  totpOf(base32Secret, 'x').generate({ timestamp: (clock?.now() ?? new Date()).getTime() });
