// Kept while src/subgraphs/accounts/index.ts still imports this path; the box is shared.
export { SealedValueError, SecretBox, keyIdOf } from '../../../shared/crypto/secret-box.ts';
