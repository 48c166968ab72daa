-- Webhook signing secrets are sealed under consent's key. Renamed, not recreated, so existing
-- endpoints keep their secrets: the columns still hold them in the clear until the consent
-- service's next start seals every such row (WebhookSecrets.sealAtRest), before it delivers.
ALTER TABLE "WebhookEndpoint" RENAME COLUMN "secret" TO "sealedSecret";
ALTER TABLE "WebhookEndpoint" RENAME COLUMN "previousSecret" TO "sealedPreviousSecret";
