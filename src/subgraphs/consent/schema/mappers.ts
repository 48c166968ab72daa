import type { Permission } from '../../../shared/auth/permissions.ts';
import type { ConsentStatus } from '../services/consent-rules.ts';
import type { ConsentRecord } from '../services/consent.service.ts';
import { ClientApp, Consent } from './consent.type.ts';

export function toConsent(r: ConsentRecord): Consent {
  return Object.assign(new Consent(), {
    id: r.id,
    status: r.status as ConsentStatus,
    permissions: r.permissions.split(' ') as Permission[],
    selectedAccountIds: JSON.parse(r.selectedAccountIds) as string[],
    transactionFromDate: r.transactionFromDate,
    transactionToDate: r.transactionToDate,
    expiresAt: r.expiresAt,
    createdAt: r.createdAt,
    clientAppId: r.clientAppId,
    psuId: r.psuId,
  });
}

export function toClientApp(r: {
  id: string;
  name: string;
  allowedPermissions: string;
  redirectUris: string;
}): ClientApp {
  return Object.assign(new ClientApp(), {
    id: r.id,
    name: r.name,
    allowedPermissions: r.allowedPermissions.split(' ').filter(Boolean) as Permission[],
    redirectUris: JSON.parse(r.redirectUris) as string[],
  });
}
