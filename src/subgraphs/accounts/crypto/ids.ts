import { createHash, randomUUID } from 'node:crypto';

/**
 * Opaque API ids. Account and transaction ids are hashes, so they are stable across
 * reconnections (consents keep pointing at the same accounts) and never carry the bank's
 * account id or number.
 */
const hashId = (prefix: string, ...parts: string[]) =>
  `${prefix}_${createHash('sha256')
    .update(JSON.stringify([prefix, ...parts]))
    .digest('base64url')
    .slice(0, 24)}`;

export const accountIdOf = (psuId: string, bankId: string, bankAccountId: string): string =>
  hashId('acc', psuId, bankId, bankAccountId);

export const transactionIdOf = (accountId: string, bankTransactionId: string): string =>
  hashId('txn', accountId, bankTransactionId);

export const newConnectionId = (): string => `con_${randomUUID().replace(/-/g, '')}`;
