-- Current installs from the existing ledger, by the rule in lib/installs/current.ts: per device and
-- product the latest install_succeeded (by occurred_at, id) unless an uninstalled of that release follows.
INSERT INTO "device_current_installs" ("device_id", "product_id", "release_id", "artifact_id", "sha256", "request_id", "since", "event_id")
SELECT l."device_id", l."product_id", l."release_id", l."artifact_id", l."sha256", l."request_id", l."occurred_at", l."id"
FROM (
  SELECT DISTINCT ON (e."device_id", e."product_id") e."id", e."device_id", e."product_id", e."release_id", e."artifact_id",
         e."sha256", e."request_id", e."occurred_at"
  FROM "install_events" e
  WHERE e."type" = 'install_succeeded'
  ORDER BY e."device_id", e."product_id", e."occurred_at" DESC, e."id" DESC
) l
WHERE NOT EXISTS (
  SELECT 1 FROM "install_events" u
  WHERE u."device_id" = l."device_id" AND u."product_id" = l."product_id" AND u."release_id" = l."release_id"
    AND u."type" = 'uninstalled' AND (u."occurred_at", u."id") > (l."occurred_at", l."id")
)
ON CONFLICT ("device_id", "product_id") DO NOTHING;
--> statement-breakpoint
-- The desk's "device contains" and "user contains" filters (ILIKE '%…%') use trigram indexes.
-- PGlite needs the extension passed when it opens (db/index.ts pgliteExtensions).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "devices_hostname_trgm_idx" ON "devices" USING gin ("hostname" gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "users_name_trgm_idx" ON "users" USING gin ("name" gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "users_email_trgm_idx" ON "users" USING gin ("email" gin_trgm_ops);
