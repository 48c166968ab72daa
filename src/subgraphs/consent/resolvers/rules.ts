import type { IRules } from 'graphql-shield';
import { Permission, PlatformScope } from '../../../shared/auth/permissions.ts';
import {
  allOf,
  isAuthenticated,
  requireAnyScope,
  requireKind,
  requireScope,
} from '../../../shared/auth/shield.ts';

/** A client app with its own token manages its webhooks and reads its events. */
const clientEvents = allOf(requireKind('client'), requireScope(PlatformScope.ConsentsManage));

/** Field scopes of the consent subgraph; row-level checks live in ConsentService. */
export const consentRules: IRules = {
  Query: {
    consent: isAuthenticated,
    consents: isAuthenticated,
    me: requireKind('psu', 'consent'),
    auditRecords: requireScope(PlatformScope.AuditRead),
    consentReview: requireScope(PlatformScope.AuditRead),
    webhookEndpoints: clientEvents,
    events: clientEvents,
    webhookDeliveries: clientEvents,
  },
  Mutation: {
    requestConsent: allOf(requireKind('client'), requireScope(PlatformScope.ConsentsManage)),
    authoriseConsent: allOf(requireKind('psu'), requireScope(PlatformScope.ConsentsAuthorise)),
    rejectConsent: allOf(requireKind('psu'), requireScope(PlatformScope.ConsentsAuthorise)),
    revokeConsent: requireKind('psu', 'client'),
    createWebhookEndpoint: clientEvents,
    rotateWebhookEndpointSecret: clientEvents,
    disableWebhookEndpoint: clientEvents,
  },
  ConsentReview: { accesses: requireScope(PlatformScope.AuditRead) },
  Psu: {
    displayName: requireAnyScope(PlatformScope.ConsentsAuthorise, Permission.ReadAccountsDetail),
  },
};
