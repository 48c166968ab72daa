/* eslint-disable */
import * as types from './graphql.js';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
  'query ConsentDashboard($consentId: ID!) {\n  consent(id: $consentId) {\n    id\n    status\n    permissions\n    accounts {\n      id\n      bankId\n      nickname\n      currency\n      balances {\n        type\n        amount\n        currency\n        creditDebit\n        dateTime\n      }\n    }\n  }\n}': typeof types.ConsentDashboardDocument;
  'query ListConsents($status: ConsentStatus) {\n  consents(status: $status) {\n    id\n    status\n    permissions\n    createdAt\n    expiresAt\n  }\n}': typeof types.ListConsentsDocument;
  'query Me {\n  me {\n    id\n    displayName\n    accounts {\n      id\n      nickname\n      currency\n    }\n    consents {\n      id\n      status\n    }\n  }\n}': typeof types.MeDocument;
};
const documents: Documents = {
  'query ConsentDashboard($consentId: ID!) {\n  consent(id: $consentId) {\n    id\n    status\n    permissions\n    accounts {\n      id\n      bankId\n      nickname\n      currency\n      balances {\n        type\n        amount\n        currency\n        creditDebit\n        dateTime\n      }\n    }\n  }\n}':
    types.ConsentDashboardDocument,
  'query ListConsents($status: ConsentStatus) {\n  consents(status: $status) {\n    id\n    status\n    permissions\n    createdAt\n    expiresAt\n  }\n}':
    types.ListConsentsDocument,
  'query Me {\n  me {\n    id\n    displayName\n    accounts {\n      id\n      nickname\n      currency\n    }\n    consents {\n      id\n      status\n    }\n  }\n}':
    types.MeDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: 'query ConsentDashboard($consentId: ID!) {\n  consent(id: $consentId) {\n    id\n    status\n    permissions\n    accounts {\n      id\n      bankId\n      nickname\n      currency\n      balances {\n        type\n        amount\n        currency\n        creditDebit\n        dateTime\n      }\n    }\n  }\n}',
): typeof import('./graphql.js').ConsentDashboardDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: 'query ListConsents($status: ConsentStatus) {\n  consents(status: $status) {\n    id\n    status\n    permissions\n    createdAt\n    expiresAt\n  }\n}',
): typeof import('./graphql.js').ListConsentsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: 'query Me {\n  me {\n    id\n    displayName\n    accounts {\n      id\n      nickname\n      currency\n    }\n    consents {\n      id\n      status\n    }\n  }\n}',
): typeof import('./graphql.js').MeDocument;

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
