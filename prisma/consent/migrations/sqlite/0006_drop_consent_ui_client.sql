-- The password grant left the product with its first-party client `ledgergraph-consent-ui`
-- (docs/DECISIONS.md, "Tokens"): its row goes, so its published demo secret opens nothing on
-- a store seeded before. It could never ask for a consent (no permissions) nor hold a
-- webhook; what might still name it goes first, children before parents.
DELETE FROM "WebhookDelivery" WHERE "clientAppId" = 'ledgergraph-consent-ui';
DELETE FROM "ClientEvent" WHERE "clientAppId" = 'ledgergraph-consent-ui';
DELETE FROM "WebhookEndpoint" WHERE "clientAppId" = 'ledgergraph-consent-ui';
DELETE FROM "ConsentStatusChange" WHERE "consentId" IN
  (SELECT "id" FROM "Consent" WHERE "clientAppId" = 'ledgergraph-consent-ui');
DELETE FROM "Consent" WHERE "clientAppId" = 'ledgergraph-consent-ui';
DELETE FROM "ClientApp" WHERE "id" = 'ledgergraph-consent-ui';
