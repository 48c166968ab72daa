import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

/**
 * Keys for data the payments store must not hold in the clear: bank tokens and debtor
 * account identifications (sealed with AES-256-GCM) and one-time codes (HMAC-SHA256, so a
 * leaked table does not give away six-digit codes by brute force). Derived with HKDF from
 * the installation's internal secret; each use gets its own key.
 */
export class Keyring {
  private readonly sealKey: Buffer;
  private readonly macKey: Buffer;

  constructor(secret: string) {
    if (secret.length < 32) throw new Error('the payments keyring needs a secret of 32+ chars');
    const derive = (info: string) =>
      Buffer.from(hkdfSync('sha256', secret, 'ledgergraph-payments', info, 32));
    this.sealKey = derive('seal:v1');
    this.macKey = derive('sca-code:v1');
  }

  /** "v1.<iv>.<ciphertext>.<tag>", base64url. `context` binds the box to its row. */
  seal(value: unknown, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.sealKey, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return ['v1', iv, body, cipher.getAuthTag()]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  unseal<T>(sealed: string, context: string): T {
    const [version, iv, body, tag] = sealed.split('.');
    if (version !== 'v1' || !iv || body === undefined || !tag) throw new Error('not a sealed box');
    const decipher = createDecipheriv('aes-256-gcm', this.sealKey, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const text = Buffer.concat([
      decipher.update(Buffer.from(body, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
    return JSON.parse(text) as T;
  }

  mac(text: string): string {
    return createHmac('sha256', this.macKey).update(text).digest('base64url');
  }

  /** Constant-time: compares MACs of equal length, never the raw strings. */
  macMatches(text: string, expectedMac: string): boolean {
    const actual = Buffer.from(this.mac(text), 'base64url');
    const expected = Buffer.from(expectedMac, 'base64url');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}
