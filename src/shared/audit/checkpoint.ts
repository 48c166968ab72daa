import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { canonicalJson } from './canonical.ts';
import type { ChainLink } from './types.ts';

/**
 * A signed statement "the chain had this hash at this seq at this time". Kept outside the
 * audit store (printed by `audit checkpoint`, shipped to write-once storage), it detects
 * what the chain alone cannot: deletion at the tail together with the head row, or a
 * rewrite of the whole chain with recomputed hashes.
 */
export interface Checkpoint {
  seq: string;
  hash: string;
  at: string;
  alg: 'Ed25519';
  /** base64url Ed25519 signature over the canonical JSON of {seq, hash, at}. */
  signature: string;
}

const signedPart = (c: Pick<Checkpoint, 'seq' | 'hash' | 'at'>) =>
  Buffer.from(canonicalJson({ seq: c.seq, hash: c.hash, at: c.at }), 'utf8');

export function signCheckpoint(head: ChainLink, key: KeyObject, at = new Date()): Checkpoint {
  const body = { seq: head.seq.toString(), hash: head.hash, at: at.toISOString() };
  return {
    ...body,
    alg: 'Ed25519',
    signature: sign(null, signedPart(body), key).toString('base64url'),
  };
}

export function checkpointSignatureValid(c: Checkpoint, publicKey: KeyObject): boolean {
  try {
    return verify(null, signedPart(c), publicKey, Buffer.from(c.signature, 'base64url'));
  } catch {
    return false;
  }
}

/**
 * The checkpoint signing key (PKCS#8 PEM, mode 0600), created on first use; its public half
 * is written beside it as `<file>.pub` for whoever verifies checkpoints.
 */
export function loadCheckpointKey(file: string): { privateKey: KeyObject; publicKey: KeyObject } {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    chmodSync(file, 0o600);
    writeFileSync(`${file}.pub`, publicKey.export({ type: 'spki', format: 'pem' }));
  }
  const privateKey = createPrivateKey(readFileSync(file));
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** Reads a public key (SPKI PEM) or derives it from a private key file. */
export function loadPublicKey(file: string): KeyObject {
  const pem = readFileSync(file);
  return pem.includes('PRIVATE KEY')
    ? createPublicKey(createPrivateKey(pem))
    : createPublicKey(pem);
}

/**
 * Whether the stored chain still contains the checkpoint: the batch at its seq must carry its
 * hash (or the retention anchor must, when that batch was pruned at exactly that seq).
 * Returns a reason when it does not, null when it does.
 */
export function checkpointMismatch(
  c: Checkpoint,
  stored: { batchHash: string | null; head: ChainLink; anchor: ChainLink | null },
): string | null {
  const seq = BigInt(c.seq);
  if (seq > stored.head.seq) {
    return `checkpoint at batch ${c.seq} but the chain ends at ${stored.head.seq} (deleted at the tail)`;
  }
  if (stored.batchHash !== null) {
    return stored.batchHash === c.hash ? null : `batch ${c.seq} differs from the checkpoint`;
  }
  if (stored.anchor && stored.anchor.seq === seq) {
    return stored.anchor.hash === c.hash ? null : `the anchor differs from the checkpoint`;
  }
  if (stored.anchor && seq < stored.anchor.seq) return null; // pruned: checked against its archive
  return `batch ${c.seq} is missing`;
}
