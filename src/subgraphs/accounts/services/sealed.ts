import type { SecretBox } from '../../../shared/crypto/secret-box.ts';

export interface Identification {
  identification: string;
  name?: string;
}

/** The sealed columns of an Account: the bank's account id, and the number and holder. */
export function sealAccount(
  box: SecretBox,
  accountId: string,
  bankAccountId: string,
  identification: Identification | undefined,
): { bankAccountRef: string; identificationSecret: string | null } {
  return {
    bankAccountRef: box.seal(bankAccountId, `account:${accountId}:ref`),
    identificationSecret: identification
      ? box.seal(
          JSON.stringify({
            identification: identification.identification,
            name: identification.name,
          }),
          `account:${accountId}:identification`,
        )
      : null,
  };
}

export function openBankAccountId(box: SecretBox, accountId: string, sealed: string): string {
  return box.open(sealed, `account:${accountId}:ref`);
}

export function openIdentification(
  box: SecretBox,
  accountId: string,
  sealed: string,
): Identification {
  return JSON.parse(box.open(sealed, `account:${accountId}:identification`)) as Identification;
}
