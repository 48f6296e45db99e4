CREATE TYPE "public"."removal_status" AS ENUM('pending', 'failed', 'done', 'cancelled');--> statement-breakpoint
ALTER TYPE "public"."install_event_type" ADD VALUE 'uninstall_failed';--> statement-breakpoint
CREATE TABLE "removals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"device_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"release_id" uuid NOT NULL,
	"artifact_id" uuid NOT NULL,
	"requested_by_id" uuid NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"status" "removal_status" DEFAULT 'pending' NOT NULL,
	"error_text" text,
	"attempts" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "artifacts" ADD COLUMN "uninstall_command" text;--> statement-breakpoint
ALTER TABLE "removals" ADD CONSTRAINT "removals_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "removals" ADD CONSTRAINT "removals_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "removals" ADD CONSTRAINT "removals_release_id_releases_id_fk" FOREIGN KEY ("release_id") REFERENCES "public"."releases"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "removals" ADD CONSTRAINT "removals_artifact_id_artifacts_id_fk" FOREIGN KEY ("artifact_id") REFERENCES "public"."artifacts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "removals" ADD CONSTRAINT "removals_requested_by_id_users_id_fk" FOREIGN KEY ("requested_by_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "removals_one_open_key" ON "removals" USING btree ("device_id","product_id") WHERE "removals"."status" in ('pending', 'failed');--> statement-breakpoint
CREATE INDEX "removals_device_idx" ON "removals" USING btree ("device_id","status");