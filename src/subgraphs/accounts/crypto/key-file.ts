import { join } from 'node:path';
import { keyFromFile } from '../../../shared/crypto/key-file.ts';

/** CONNECTION_ENCRYPTION_KEY's embedded default, DATA_DIR/connection-encryption.key. */
export const connectionKeyFromFile = (dataDir: string): string =>
  keyFromFile(join(dataDir, 'connection-encryption.key'));
