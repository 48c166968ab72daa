import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { PaymentsConfig } from '../../../shared/config/index.ts';
import { keyFromFile } from '../../../shared/crypto/key-file.ts';
import { SealedValueError, SecretBox } from '../../../shared/crypto/secret-box.ts';
import { conflict } from '../../../shared/errors/index.ts';

/** Payments' own keys (base64, 32 bytes): the current one and those rotated out. */
export interface PaymentsKeys {
  key: string;
  previousKeys?: readonly string[];
}

/** PAYMENTS_ENCRYPTION_KEY, or the embedded default's key generated into DATA_DIR. */
export function paymentsKeysOf(
  settings: Pick<PaymentsConfig, 'encryptionKey' | 'previousEncryptionKeys' | 'encryptionKeyFile'>,
): PaymentsKeys {
  return {
    key: settings.encryptionKey ?? keyFromFile(settings.encryptionKeyFile),
    previousKeys: settings.previousEncryptionKeys,
  };
}

/**
 * Keys for data the payments store must not hold in the clear: bank tokens and debtor
 * account identifications (sealed in a SecretBox, so each value names its key and a rotated
 * key still opens it) and one-time codes (HMAC-SHA256, so a leaked table does not give away
 * six-digit codes by brute force). Payments' own keys, never the gateway–subgraph secret:
 * rotating that one must not lose a sealed value or an issued code.
 */
export class Keyring {
  private readonly box: SecretBox;
  /** The current key's MAC key first; the others check codes issued before a rotation. */
  private readonly macKeys: Buffer[];

  constructor(keys: PaymentsKeys) {
    this.box = SecretBox.fromBase64(keys.key, keys.previousKeys);
    // HKDF with its own label, so the MAC key is never the sealing key.
    this.macKeys = [keys.key, ...(keys.previousKeys ?? [])].map((k) =>
      Buffer.from(
        hkdfSync('sha256', Buffer.from(k, 'base64'), 'ledgergraph-payments', 'sca-code-mac', 32),
      ),
    );
  }

  /** `v1.<keyId>.<iv>.<ciphertext>.<tag>`. `context` binds the box to its row. */
  seal(value: unknown, context: string): string {
    return this.box.seal(JSON.stringify(value), context);
  }

  /** A value that does not open leaves its consent unusable: CONFLICT, create a new one. */
  unseal<T>(sealed: string, context: string): T {
    try {
      return JSON.parse(this.box.open(sealed, context)) as T;
    } catch (error) {
      if (!(error instanceof SealedValueError)) throw error;
      throw conflict(
        'This payment consent holds bank data sealed under a key this installation no ' +
          'longer has; create a new payment consent',
        { reason: 'sealed_data_unreadable' },
      );
    }
  }

  mac(text: string): string {
    return macOf(this.macKeys[0]!, text).toString('base64url');
  }

  /** Constant-time: compares MACs of equal length, never the raw strings. */
  macMatches(text: string, expectedMac: string): boolean {
    const expected = Buffer.from(expectedMac, 'base64url');
    let matches = false;
    for (const key of this.macKeys) {
      const actual = macOf(key, text);
      if (actual.length === expected.length && timingSafeEqual(actual, expected)) matches = true;
    }
    return matches;
  }
}

const macOf = (key: Buffer, text: string): Buffer =>
  createHmac('sha256', key).update(text).digest();
