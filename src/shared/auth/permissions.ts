/**
 * Consent permissions (UK Open Banking codes for data access, plus payment permissions)
 * and the platform scopes granted to client apps. A consent-bound token's scopes are its
 * consent's permissions; Detail permissions imply their Basic twin.
 */
export const Permission = {
  ReadAccountsBasic: 'ReadAccountsBasic',
  ReadAccountsDetail: 'ReadAccountsDetail',
  ReadBalances: 'ReadBalances',
  ReadTransactionsBasic: 'ReadTransactionsBasic',
  ReadTransactionsDetail: 'ReadTransactionsDetail',
  ReadTransactionsCredits: 'ReadTransactionsCredits',
  ReadTransactionsDebits: 'ReadTransactionsDebits',
  InitiatePayments: 'InitiatePayments',
  ReadPayments: 'ReadPayments',
} as const;
export type Permission = (typeof Permission)[keyof typeof Permission];
export const allPermissions = Object.values(Permission);

export const PlatformScope = {
  ConsentsManage: 'consents:manage',
  ConsentsAuthorise: 'consents:authorise',
  PaymentsInitiate: 'payments:initiate',
  PaymentsRead: 'payments:read',
  AuditRead: 'audit:read',
  PaymentsReview: 'payments:review',
} as const;
export type PlatformScope = (typeof PlatformScope)[keyof typeof PlatformScope];
export const allPlatformScopes = Object.values(PlatformScope);

export const isPermission = (s: string): s is Permission =>
  (allPermissions as string[]).includes(s);

const implied: Partial<Record<Permission, string[]>> = {
  ReadAccountsDetail: [Permission.ReadAccountsBasic],
  ReadTransactionsDetail: [Permission.ReadTransactionsBasic],
  InitiatePayments: [PlatformScope.PaymentsInitiate],
  ReadPayments: [PlatformScope.PaymentsRead],
};

/** The scopes a consent with these permissions grants. */
export function scopesForPermissions(permissions: readonly string[]): string[] {
  const scopes = new Set<string>();
  for (const p of permissions) {
    scopes.add(p);
    for (const s of (isPermission(p) && implied[p]) || []) scopes.add(s);
  }
  return [...scopes].sort();
}
