CREATE TABLE "adoption_days" (
	"product_id" uuid NOT NULL,
	"release_id" uuid NOT NULL,
	"artifact_id" uuid NOT NULL,
	"day" date NOT NULL,
	"devices_delta" integer DEFAULT 0 NOT NULL,
	"succeeded" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "adoption_days_product_id_day_artifact_id_pk" PRIMARY KEY("product_id","day","artifact_id")
);
--> statement-breakpoint
CREATE TABLE "adoption_error_days" (
	"product_id" uuid NOT NULL,
	"day" date NOT NULL,
	"error_text" text NOT NULL,
	"failures" integer NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	CONSTRAINT "adoption_error_days_product_id_day_error_text_pk" PRIMARY KEY("product_id","day","error_text")
);
--> statement-breakpoint
ALTER TABLE "adoption_days" ADD CONSTRAINT "adoption_days_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "adoption_days" ADD CONSTRAINT "adoption_days_release_id_releases_id_fk" FOREIGN KEY ("release_id") REFERENCES "public"."releases"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "adoption_days" ADD CONSTRAINT "adoption_days_artifact_id_artifacts_id_fk" FOREIGN KEY ("artifact_id") REFERENCES "public"."artifacts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "adoption_error_days" ADD CONSTRAINT "adoption_error_days_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
-- Backfill from the existing ledger, as lib/installs/adoption-days.ts rebuildAdoptionDays does: each
-- install_succeeded counts +1 on its UTC day and -1 on the day of the first later event (by occurred_at, id)
-- of its device and product that ends it (the next install_succeeded, or an uninstalled of its release);
-- successes and failures count on their day.
INSERT INTO "adoption_days" ("product_id", "release_id", "artifact_id", "day", "devices_delta", "succeeded", "failed")
SELECT product_id, release_id, artifact_id, day, sum(devices)::int, sum(succeeded)::int, sum(failed)::int
FROM (
  SELECT s.product_id, s.release_id, s.artifact_id, v.day, v.devices, 0 AS succeeded, 0 AS failed
  FROM (
    SELECT e.type, e.product_id, e.release_id, e.artifact_id, e.occurred_at,
           min(e.occurred_at) FILTER (WHERE e.type = 'install_succeeded')
             OVER (PARTITION BY e.device_id, e.product_id ORDER BY e.occurred_at, e.id ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_install,
           min(e.occurred_at) FILTER (WHERE e.type = 'uninstalled')
             OVER (PARTITION BY e.device_id, e.product_id, e.release_id ORDER BY e.occurred_at, e.id ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_uninstall
    FROM "install_events" e
    WHERE e.type IN ('install_succeeded', 'uninstalled')
  ) s
  CROSS JOIN LATERAL (VALUES ((s.occurred_at AT TIME ZONE 'UTC')::date, 1), ((least(s.next_install, s.next_uninstall) AT TIME ZONE 'UTC')::date, -1)) v(day, devices)
  WHERE s.type = 'install_succeeded' AND v.day IS NOT NULL
  UNION ALL
  SELECT e.product_id, e.release_id, e.artifact_id, (e.occurred_at AT TIME ZONE 'UTC')::date, 0,
         (e.type = 'install_succeeded')::int, (e.type = 'install_failed')::int
  FROM "install_events" e
  WHERE e.type IN ('install_succeeded', 'install_failed')
) c
GROUP BY product_id, release_id, artifact_id, day
HAVING sum(devices) <> 0 OR sum(succeeded) <> 0 OR sum(failed) <> 0;
--> statement-breakpoint
INSERT INTO "adoption_error_days" ("product_id", "day", "error_text", "failures", "last_at")
SELECT e.product_id, (e.occurred_at AT TIME ZONE 'UTC')::date, left(e.error_text, 200), count(*)::int, max(e.occurred_at)
FROM "install_events" e
WHERE e.type = 'install_failed' AND e.error_text IS NOT NULL
GROUP BY 1, 2, 3;
