import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const version = 'v1';
const algorithm = 'aes-256-gcm';

/** A sealed value that does not open: wrong key, wrong row, or tampered with. */
export class SealedValueError extends Error {
  override name = 'SealedValueError';
}

/**
 * AES-256-GCM for a service's secrets at rest (bank tokens, account identifiers), each service
 * under its own keys. A sealed value reads
 * `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url): the key id lets old values open after a
 * rotation. The caller's context (e.g. "account:acc_x:identification") is authenticated as
 * associated data, so a ciphertext copied onto another row or column does not open.
 */
export class SecretBox {
  readonly currentKeyId: string;
  private readonly current: Buffer;
  private readonly keys = new Map<string, Buffer>();

  /** @param current encrypts and decrypts; @param previous only decrypt (rotated out). */
  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    for (const key of [current, ...previous]) {
      if (key.length !== 32) throw new Error('An AES-256 key is 32 bytes');
      this.keys.set(keyIdOf(key), key);
    }
    this.current = current;
    this.currentKeyId = keyIdOf(current);
  }

  static fromBase64(current: string, previous: readonly string[] = []): SecretBox {
    const decode = (k: string) => Buffer.from(k, 'base64');
    return new SecretBox(decode(current), previous.map(decode));
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv(algorithm, this.current, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, ciphertext, cipher.getAuthTag()].map((b) => b.toString('base64url'));
    return [version, this.currentKeyId, ...parts].join('.');
  }

  open(sealed: string, context: string): string {
    const [v, keyId, iv, ciphertext, tag, ...rest] = sealed.split('.');
    if (v !== version || !keyId || iv === undefined || ciphertext === undefined || !tag) {
      throw new SealedValueError('Not a sealed value');
    }
    if (rest.length > 0) throw new SealedValueError('Not a sealed value');
    const key = this.keys.get(keyId);
    if (!key) throw new SealedValueError(`No key ${keyId} to open this value`);
    try {
      const decipher = createDecipheriv(algorithm, key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SealedValueError('Sealed value does not open (tampered, or another row)');
    }
  }

  /** True when the value was sealed under a key that has since been rotated out. */
  isStale(sealed: string): boolean {
    return sealed.split('.')[1] !== this.currentKeyId;
  }
}

/** A key's public name: a hash prefix, so the id tells nothing about the key. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('ledgergraph:key-id:').update(key).digest('hex').slice(0, 12);
}
