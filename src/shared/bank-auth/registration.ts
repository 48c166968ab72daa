import type { BankDefinition } from '../banks.ts';
import { upstreamUnavailable } from '../errors/index.ts';
import type { TppSigningKey } from './tpp-key.ts';

/**
 * Registers our request-object key and redirect URI at a sandbox bank (its simplified
 * dynamic client registration). Done before each authorisation: it is one small call and
 * a restarted in-memory bank would otherwise not know us. Real banks learn the TPP's keys
 * and redirect URIs at onboarding, so nothing is sent to them.
 */
export async function registerAtSandboxBank(
  bank: BankDefinition,
  key: TppSigningKey,
  redirectUri: string,
  timeoutMs: number,
): Promise<void> {
  if (!bank.sandbox) return;
  const credentials = Buffer.from(`${bank.clientId}:${bank.clientSecret}`).toString('base64');
  const response = await fetch(new URL('/register', bank.baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${credentials}` },
    body: JSON.stringify({ jwks: key.jwks, redirect_uris: [redirectUri] }),
    redirect: 'error',
    signal: AbortSignal.timeout(timeoutMs),
  }).catch(() => undefined);
  await response?.body?.cancel();
  if (!response?.ok) {
    throw upstreamUnavailable(`Bank ${bank.id} did not accept our client registration`, {
      bankId: bank.id,
      reason: 'bank_error',
    });
  }
}
