import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/shared/clock.ts';
import { SecretBox } from '../../src/shared/crypto/secret-box.ts';
import {
  currentTotpCode,
  sealTotpSecret,
  verifyTotp,
} from '../../src/subgraphs/consent/authorization/totp.ts';

const at = (seconds: number): Clock => ({ now: () => new Date(seconds * 1000) });
// RFC 6238 Appendix B: the ASCII key "12345678901234567890", SHA-1.
const rfcSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const box = new SecretBox(randomBytes(32));
const psu = { id: 'psu_x', username: 'x', totpSecret: sealTotpSecret(box, 'psu_x', rfcSecret) };

describe('TOTP second factor (RFC 6238)', () => {
  it('matches the RFC test vectors (6 digits: the low six of the 8-digit values)', () => {
    expect(currentTotpCode(rfcSecret, at(59))).toBe('287082');
    expect(currentTotpCode(rfcSecret, at(1111111109))).toBe('081804');
    expect(currentTotpCode(rfcSecret, at(2000000000))).toBe('279037');
  });

  it('accepts the current step and one either side, nothing further', () => {
    const code = currentTotpCode(rfcSecret, at(1111111109));
    expect(verifyTotp(box, psu, code, at(1111111109))).toBe(true);
    expect(verifyTotp(box, psu, code, at(1111111109 + 30))).toBe(true);
    expect(verifyTotp(box, psu, code, at(1111111109 - 30))).toBe(true);
    expect(verifyTotp(box, psu, code, at(1111111109 + 90))).toBe(false);
  });

  it('refuses malformed codes and PSUs without a second factor', () => {
    expect(verifyTotp(box, psu, '', at(59))).toBe(false);
    expect(verifyTotp(box, psu, '28708', at(59))).toBe(false);
    expect(verifyTotp(box, psu, '2870820', at(59))).toBe(false);
    expect(verifyTotp(box, { ...psu, totpSecret: null }, '287082', at(59))).toBe(false);
  });

  it('the secret is sealed for its PSU: copied onto another PSU it does not open', () => {
    expect(psu.totpSecret).not.toContain(rfcSecret);
    expect(() => verifyTotp(box, { ...psu, id: 'psu_y' }, '287082', at(59))).toThrow();
  });
});
