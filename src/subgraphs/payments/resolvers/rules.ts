import type { IRules } from 'graphql-shield';
import { PlatformScope } from '../../../shared/auth/permissions.ts';
import { requireScope } from '../../../shared/auth/shield.ts';

export const paymentRules: IRules = {
  Query: { payments: requireScope(PlatformScope.PaymentsRead) },
};
