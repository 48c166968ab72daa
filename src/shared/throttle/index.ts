/**
 * Throttling of credential guessing (PSU passwords, client secrets): growing delays and
 * temporary lockouts per identity and per address, shared by replicas through Redis.
 */
export {
  CredentialThrottle,
  CredentialThrottled,
  defaultCredentialLimits,
  delaySeconds,
  freeFailures,
  type CredentialAttempt,
  type CredentialKind,
  type CredentialLimits,
  type CredentialThrottleOptions,
  type LockScope,
  type Lockout,
} from './credential-throttle.ts';
export {
  addressKey,
  clientAddressHeader,
  clientAddressOf,
  signClientAddress,
} from './client-address.ts';
