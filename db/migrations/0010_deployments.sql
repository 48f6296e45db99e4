CREATE TYPE "public"."deployment_intent" AS ENUM('required', 'available');--> statement-breakpoint
CREATE TYPE "public"."deployment_status" AS ENUM('draft', 'pending_approval', 'scheduled', 'active', 'completed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."device_kind" AS ENUM('workstation', 'server', 'network', 'other');--> statement-breakpoint
ALTER TYPE "public"."role" ADD VALUE 'deployment_manager';--> statement-breakpoint
CREATE TABLE "deployment_approvals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"deployment_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"approver_id" uuid NOT NULL,
	"on_behalf_of_id" uuid,
	"decision" "decision" NOT NULL,
	"comment" text DEFAULT '' NOT NULL,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deployment_approvals_rejection_has_reason" CHECK ("deployment_approvals"."decision" = 'approved' OR length(trim("deployment_approvals"."comment")) > 0)
);
--> statement-breakpoint
CREATE TABLE "deployment_assignments" (
	"deployment_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"entitlement_id" uuid,
	"postponed_until" timestamp with time zone,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	CONSTRAINT "deployment_assignments_deployment_id_device_id_pk" PRIMARY KEY("deployment_id","device_id")
);
--> statement-breakpoint
CREATE TABLE "deployment_revisions" (
	"deployment_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"snapshot" jsonb NOT NULL,
	"changed_by_id" uuid,
	"reason" text DEFAULT '' NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deployment_revisions_deployment_id_version_pk" PRIMARY KEY("deployment_id","version")
);
--> statement-breakpoint
CREATE TABLE "deployments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"product_id" uuid NOT NULL,
	"release_id" uuid NOT NULL,
	"target_id" uuid NOT NULL,
	"environment" text NOT NULL,
	"intent" "deployment_intent" NOT NULL,
	"status" "deployment_status" DEFAULT 'draft' NOT NULL,
	"available_from" timestamp with time zone NOT NULL,
	"deadline" timestamp with time zone,
	"window_start_minute" integer,
	"window_end_minute" integer,
	"window_time_zone" text DEFAULT 'UTC' NOT NULL,
	"cutover_at" timestamp with time zone,
	"change_ref" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by_id" uuid NOT NULL,
	"closed_reason" text,
	"activated_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deployments_window_minutes" CHECK (("deployments"."window_start_minute" IS NULL) = ("deployments"."window_end_minute" IS NULL) AND coalesce("deployments"."window_start_minute", 0) BETWEEN 0 AND 1439 AND coalesce("deployments"."window_end_minute", 0) BETWEEN 0 AND 1439),
	CONSTRAINT "deployments_deadline_after_start" CHECK ("deployments"."deadline" IS NULL OR "deployments"."deadline" > "deployments"."available_from"),
	CONSTRAINT "deployments_cutover_after_start" CHECK ("deployments"."cutover_at" IS NULL OR "deployments"."cutover_at" >= "deployments"."available_from"),
	CONSTRAINT "deployments_cutover_required" CHECK ("deployments"."cutover_at" IS NULL OR "deployments"."intent" = 'required'),
	CONSTRAINT "deployments_version_positive" CHECK ("deployments"."version" >= 1)
);
--> statement-breakpoint
CREATE TABLE "environments" (
	"key" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"rank" integer NOT NULL,
	"success_threshold_percent" integer DEFAULT 90 NOT NULL,
	"approval_group_id" uuid,
	"required_approvals" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "environments_key_format" CHECK ("environments"."key" ~ '^[a-z][a-z0-9-]{0,31}$'),
	CONSTRAINT "environments_threshold_range" CHECK ("environments"."success_threshold_percent" BETWEEN 0 AND 100),
	CONSTRAINT "environments_required_positive" CHECK ("environments"."required_approvals" >= 1)
);
--> statement-breakpoint
-- Every device gets an environment; existing devices are in live (the default), so the three
-- usual environments exist before the column that refers to them.
INSERT INTO "environments" ("key", "name", "rank") VALUES ('test', 'Test', 10), ('staging', 'Staging', 20), ('live', 'Live', 30);--> statement-breakpoint
CREATE TABLE "product_promotion_steps" (
	"product_id" uuid NOT NULL,
	"environment" text NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "product_promotion_steps_product_id_environment_pk" PRIMARY KEY("product_id","environment")
);
--> statement-breakpoint
CREATE TABLE "targets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"rules" jsonb NOT NULL,
	"created_by_id" uuid NOT NULL,
	"archived" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "device_current_installs" ADD COLUMN "deployment_id" uuid;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "kind" "device_kind" DEFAULT 'workstation' NOT NULL;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "site" text;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "country" char(2);--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "environment" text DEFAULT 'live' NOT NULL;--> statement-breakpoint
ALTER TABLE "entitlements" ADD COLUMN "deployment_id" uuid;--> statement-breakpoint
ALTER TABLE "install_events" ADD COLUMN "deployment_id" uuid;--> statement-breakpoint
ALTER TABLE "deployment_approvals" ADD CONSTRAINT "deployment_approvals_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_approvals" ADD CONSTRAINT "deployment_approvals_approver_id_users_id_fk" FOREIGN KEY ("approver_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_approvals" ADD CONSTRAINT "deployment_approvals_on_behalf_of_id_users_id_fk" FOREIGN KEY ("on_behalf_of_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_assignments" ADD CONSTRAINT "deployment_assignments_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_assignments" ADD CONSTRAINT "deployment_assignments_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_assignments" ADD CONSTRAINT "deployment_assignments_entitlement_id_entitlements_id_fk" FOREIGN KEY ("entitlement_id") REFERENCES "public"."entitlements"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_revisions" ADD CONSTRAINT "deployment_revisions_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_revisions" ADD CONSTRAINT "deployment_revisions_changed_by_id_users_id_fk" FOREIGN KEY ("changed_by_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_release_id_releases_id_fk" FOREIGN KEY ("release_id") REFERENCES "public"."releases"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_target_id_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."targets"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_environment_environments_key_fk" FOREIGN KEY ("environment") REFERENCES "public"."environments"("key") ON DELETE restrict ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "environments" ADD CONSTRAINT "environments_approval_group_id_groups_id_fk" FOREIGN KEY ("approval_group_id") REFERENCES "public"."groups"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_promotion_steps" ADD CONSTRAINT "product_promotion_steps_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_promotion_steps" ADD CONSTRAINT "product_promotion_steps_environment_environments_key_fk" FOREIGN KEY ("environment") REFERENCES "public"."environments"("key") ON DELETE restrict ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "targets" ADD CONSTRAINT "targets_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "deployment_approvals_once_key" ON "deployment_approvals" USING btree ("deployment_id","version","approver_id");--> statement-breakpoint
CREATE INDEX "deployment_assignments_device_idx" ON "deployment_assignments" USING btree ("device_id") WHERE "deployment_assignments"."ended_at" IS NULL;--> statement-breakpoint
CREATE INDEX "deployments_status_idx" ON "deployments" USING btree ("status","available_from");--> statement-breakpoint
CREATE INDEX "deployments_product_idx" ON "deployments" USING btree ("product_id","status");--> statement-breakpoint
CREATE INDEX "deployments_release_idx" ON "deployments" USING btree ("release_id");--> statement-breakpoint
CREATE INDEX "deployments_target_idx" ON "deployments" USING btree ("target_id");--> statement-breakpoint
CREATE UNIQUE INDEX "environments_rank_key" ON "environments" USING btree ("rank");--> statement-breakpoint
CREATE UNIQUE INDEX "product_promotion_steps_position_key" ON "product_promotion_steps" USING btree ("product_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "targets_name_key" ON "targets" USING btree ("name");--> statement-breakpoint
ALTER TABLE "device_current_installs" ADD CONSTRAINT "device_current_installs_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_environment_environments_key_fk" FOREIGN KEY ("environment") REFERENCES "public"."environments"("key") ON DELETE restrict ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "entitlements" ADD CONSTRAINT "entitlements_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "install_events" ADD CONSTRAINT "install_events_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "devices_environment_idx" ON "devices" USING btree ("environment","platform");--> statement-breakpoint
CREATE INDEX "devices_site_idx" ON "devices" USING btree ("site");--> statement-breakpoint
CREATE INDEX "entitlements_deployment_idx" ON "entitlements" USING btree ("deployment_id");--> statement-breakpoint
CREATE INDEX "install_events_deployment_idx" ON "install_events" USING btree ("deployment_id","device_id","occurred_at") WHERE "install_events"."deployment_id" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_country_upper" CHECK ("devices"."country" IS NULL OR "devices"."country" ~ '^[A-Z]{2}$');