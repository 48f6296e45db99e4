ALTER TYPE "public"."deployment_status" ADD VALUE 'halted' BEFORE 'completed';--> statement-breakpoint
CREATE TABLE "deployment_phases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"deployment_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"name" text NOT NULL,
	"target_id" uuid,
	"percent" integer,
	"gate_percent" integer,
	"gate_count" integer,
	"wait_minutes" integer DEFAULT 0 NOT NULL,
	"throttle_minutes" integer DEFAULT 0 NOT NULL,
	"start_mode" text DEFAULT 'auto' NOT NULL,
	"started_at" timestamp with time zone,
	"gate_met_at" timestamp with time zone,
	"halted_at" timestamp with time zone,
	"halt_evidence" jsonb,
	"count_from" timestamp with time zone,
	CONSTRAINT "deployment_phases_one_selection" CHECK (("deployment_phases"."target_id" IS NULL) <> ("deployment_phases"."percent" IS NULL)),
	CONSTRAINT "deployment_phases_percent_range" CHECK ("deployment_phases"."percent" IS NULL OR "deployment_phases"."percent" BETWEEN 1 AND 100),
	CONSTRAINT "deployment_phases_gate_percent_range" CHECK ("deployment_phases"."gate_percent" IS NULL OR "deployment_phases"."gate_percent" BETWEEN 0 AND 100),
	CONSTRAINT "deployment_phases_gate_count_positive" CHECK ("deployment_phases"."gate_count" IS NULL OR "deployment_phases"."gate_count" >= 1),
	CONSTRAINT "deployment_phases_minutes" CHECK ("deployment_phases"."wait_minutes" >= 0 AND "deployment_phases"."throttle_minutes" >= 0),
	CONSTRAINT "deployment_phases_start_mode" CHECK ("deployment_phases"."start_mode" IN ('auto', 'manual'))
);
--> statement-breakpoint
CREATE TABLE "pipeline_deployments" (
	"release_id" uuid PRIMARY KEY NOT NULL,
	"deployment_id" uuid NOT NULL,
	"token_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ring_templates" (
	"product_id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"target_id" uuid NOT NULL,
	"environment" text NOT NULL,
	"intent" "deployment_intent" DEFAULT 'required' NOT NULL,
	"phases" jsonb NOT NULL,
	"halt_failure_percent" integer DEFAULT 20 NOT NULL,
	"halt_min_reports" integer DEFAULT 10 NOT NULL,
	"updated_by_id" uuid NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "deployment_assignments" ADD COLUMN "phase_position" integer;--> statement-breakpoint
ALTER TABLE "deployment_assignments" ADD COLUMN "start_after" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "deployments" ADD COLUMN "halt_failure_percent" integer DEFAULT 20 NOT NULL;--> statement-breakpoint
ALTER TABLE "deployments" ADD COLUMN "halt_min_reports" integer DEFAULT 10 NOT NULL;--> statement-breakpoint
ALTER TABLE "deployment_phases" ADD CONSTRAINT "deployment_phases_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_phases" ADD CONSTRAINT "deployment_phases_target_id_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."targets"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pipeline_deployments" ADD CONSTRAINT "pipeline_deployments_release_id_releases_id_fk" FOREIGN KEY ("release_id") REFERENCES "public"."releases"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pipeline_deployments" ADD CONSTRAINT "pipeline_deployments_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ring_templates" ADD CONSTRAINT "ring_templates_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ring_templates" ADD CONSTRAINT "ring_templates_target_id_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."targets"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ring_templates" ADD CONSTRAINT "ring_templates_environment_environments_key_fk" FOREIGN KEY ("environment") REFERENCES "public"."environments"("key") ON DELETE restrict ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "ring_templates" ADD CONSTRAINT "ring_templates_updated_by_id_users_id_fk" FOREIGN KEY ("updated_by_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "deployment_phases_position_key" ON "deployment_phases" USING btree ("deployment_id","position");--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_halt_percent_range" CHECK ("deployments"."halt_failure_percent" BETWEEN 1 AND 100);--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_halt_min_reports_positive" CHECK ("deployments"."halt_min_reports" >= 1);