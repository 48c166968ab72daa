import { z } from 'zod';
import type { BankDefinition } from '../../../shared/banks.ts';
import { badInput, upstreamUnavailable } from '../../../shared/errors/index.ts';

const answer = z.object({ status: z.string().optional(), code: z.string().optional() });

/**
 * SANDBOX ONLY. Plays the PSU's login and approval at a sandbox bank
 * (POST /__sandbox/authorise), which a real PSU does in their bank's own app or website.
 * Refused for any bank not marked `sandbox: true`: nothing may log in to a real bank on a
 * PSU's behalf. Returns the authorisation code OBIE banks hand back (BG: none).
 */
export async function approveAtSandboxBank(
  bank: BankDefinition,
  bankConsentId: string,
  login: string,
): Promise<{ code?: string }> {
  if (!bank.sandbox) {
    throw badInput('Sandbox login is only for sandbox banks; authorise at the bank instead', {
      bankId: bank.id,
    });
  }
  const response = await fetch(new URL('/__sandbox/authorise', bank.baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ consentId: bankConsentId, psu: login, decision: 'approve' }),
    redirect: 'error',
    signal: AbortSignal.timeout(5_000),
  }).catch(() => undefined);
  if (!response) {
    throw upstreamUnavailable(`Sandbox bank ${bank.id} could not be reached`, { bankId: bank.id });
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.status >= 400 && response.status < 500) {
    throw badInput(`Sandbox bank ${bank.id} refused the login`, { bankId: bank.id });
  }
  const parsed = answer.safeParse(body);
  if (!response.ok || !parsed.success) {
    throw upstreamUnavailable(`Sandbox bank ${bank.id} did not approve`, { bankId: bank.id });
  }
  return parsed.data.code ? { code: parsed.data.code } : {};
}
