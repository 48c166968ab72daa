import type { Config } from '../shared/config/index.ts';
import { keyFromFile } from '../shared/crypto/key-file.ts';
import { SecretBox } from '../shared/crypto/secret-box.ts';
import { currentTotpCode, totpContext, totpUri } from '../subgraphs/consent/authorization/totp.ts';
import { openConsentDb } from '../subgraphs/consent/db/client.ts';

/**
 * `totp <username>`: the PSU's current one-time code and otpauth:// URI, read from the
 * consent store and opened with consent's key. For the demo PSUs of a local install; a real
 * PSU's secret never leaves their authenticator app.
 */
export async function totp(config: Config, args: string[]): Promise<number> {
  const username = args[0];
  if (!username) {
    console.error('usage: totp <username>');
    return 2;
  }
  const db = openConsentDb(config.databases.consent);
  try {
    const psu = await db.psu.findUnique({ where: { username } });
    if (!psu?.totpSecret) {
      console.error(`no PSU ${username} with a second factor`);
      return 1;
    }
    const box = SecretBox.fromBase64(
      config.consent.encryptionKey ?? keyFromFile(config.consent.encryptionKeyFile),
      config.consent.previousEncryptionKeys,
    );
    const secret = box.open(psu.totpSecret, totpContext(psu.id));
    const step = 30 - (Math.floor(Date.now() / 1000) % 30);
    console.log(`${currentTotpCode(secret)}  (valid for ${step} s more)`);
    console.log(totpUri(secret, username));
    return 0;
  } finally {
    await db.$disconnect();
  }
}
