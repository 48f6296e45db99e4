CREATE TYPE "public"."change_kind" AS ENUM('standard', 'normal', 'emergency');--> statement-breakpoint
CREATE TYPE "public"."change_state" AS ENUM('requested', 'approved', 'rejected', 'scheduled', 'implemented', 'failed', 'closed');--> statement-breakpoint
CREATE TYPE "public"."supplier_channel" AS ENUM('api', 'page', 'import');--> statement-breakpoint
CREATE TYPE "public"."supplier_event_status" AS ENUM('started', 'succeeded', 'failed', 'rolled_back');--> statement-breakpoint
ALTER TYPE "public"."role" ADD VALUE 'supplier';--> statement-breakpoint
ALTER TYPE "public"."role" ADD VALUE 'change_manager';--> statement-breakpoint
CREATE TABLE "change_approvals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"change_id" uuid NOT NULL,
	"approver_id" uuid NOT NULL,
	"on_behalf_of_id" uuid,
	"decision" "decision" NOT NULL,
	"comment" text DEFAULT '' NOT NULL,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "change_approvals_rejection_has_reason" CHECK ("change_approvals"."decision" = 'approved' OR length(trim("change_approvals"."comment")) > 0)
);
--> statement-breakpoint
CREATE TABLE "change_records" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"reference" text NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"kind" "change_kind" NOT NULL,
	"state" "change_state" DEFAULT 'requested' NOT NULL,
	"environment" text DEFAULT 'live' NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"window_end" timestamp with time zone NOT NULL,
	"required_approvals" integer DEFAULT 1 NOT NULL,
	"requested_by_id" uuid,
	"supplier_id" uuid,
	"rejected_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "change_records_window_order" CHECK ("change_records"."window_end" > "change_records"."window_start"),
	CONSTRAINT "change_records_required_positive" CHECK ("change_records"."required_approvals" >= 1)
);
--> statement-breakpoint
CREATE TABLE "supplier_announcement_items" (
	"announcement_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	CONSTRAINT "supplier_announcement_items_announcement_id_device_id_pk" PRIMARY KEY("announcement_id","device_id")
);
--> statement-breakpoint
CREATE TABLE "supplier_announcements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"supplier_id" uuid NOT NULL,
	"token_id" uuid,
	"user_id" uuid,
	"component" text NOT NULL,
	"version" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"window_end" timestamp with time zone NOT NULL,
	"change_ref" text,
	"change_id" uuid,
	"idempotency_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "supplier_announcements_window_order" CHECK ("supplier_announcements"."window_end" > "supplier_announcements"."window_start")
);
--> statement-breakpoint
CREATE TABLE "supplier_devices" (
	"supplier_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	CONSTRAINT "supplier_devices_supplier_id_device_id_pk" PRIMARY KEY("supplier_id","device_id")
);
--> statement-breakpoint
CREATE TABLE "supplier_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"supplier_id" uuid NOT NULL,
	"token_id" uuid,
	"user_id" uuid,
	"channel" "supplier_channel" NOT NULL,
	"device_id" uuid NOT NULL,
	"announcement_id" uuid,
	"change_id" uuid,
	"change_ref" text,
	"component" text NOT NULL,
	"version" text NOT NULL,
	"status" "supplier_event_status" NOT NULL,
	"sha256" char(64),
	"evidence" text,
	"unauthorised" boolean DEFAULT false NOT NULL,
	"idempotency_key" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "supplier_events_sha256_hex" CHECK ("supplier_events"."sha256" IS NULL OR "supplier_events"."sha256" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
CREATE TABLE "suppliers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"contact_email" text DEFAULT '' NOT NULL,
	"environments" text[] DEFAULT '{}'::text[] NOT NULL,
	"sites" text[] DEFAULT '{}'::text[] NOT NULL,
	"kinds" "device_kind"[] DEFAULT '{}'::device_kind[] NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD COLUMN "supplier_id" uuid;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "supplier_id" uuid;--> statement-breakpoint
ALTER TABLE "change_approvals" ADD CONSTRAINT "change_approvals_change_id_change_records_id_fk" FOREIGN KEY ("change_id") REFERENCES "public"."change_records"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_approvals" ADD CONSTRAINT "change_approvals_approver_id_users_id_fk" FOREIGN KEY ("approver_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_approvals" ADD CONSTRAINT "change_approvals_on_behalf_of_id_users_id_fk" FOREIGN KEY ("on_behalf_of_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_records" ADD CONSTRAINT "change_records_environment_environments_key_fk" FOREIGN KEY ("environment") REFERENCES "public"."environments"("key") ON DELETE restrict ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "change_records" ADD CONSTRAINT "change_records_requested_by_id_users_id_fk" FOREIGN KEY ("requested_by_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_records" ADD CONSTRAINT "change_records_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_announcement_items" ADD CONSTRAINT "supplier_announcement_items_announcement_id_supplier_announcements_id_fk" FOREIGN KEY ("announcement_id") REFERENCES "public"."supplier_announcements"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_announcement_items" ADD CONSTRAINT "supplier_announcement_items_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_announcements" ADD CONSTRAINT "supplier_announcements_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_announcements" ADD CONSTRAINT "supplier_announcements_token_id_api_tokens_id_fk" FOREIGN KEY ("token_id") REFERENCES "public"."api_tokens"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_announcements" ADD CONSTRAINT "supplier_announcements_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_announcements" ADD CONSTRAINT "supplier_announcements_change_id_change_records_id_fk" FOREIGN KEY ("change_id") REFERENCES "public"."change_records"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_devices" ADD CONSTRAINT "supplier_devices_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_devices" ADD CONSTRAINT "supplier_devices_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_events" ADD CONSTRAINT "supplier_events_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_events" ADD CONSTRAINT "supplier_events_token_id_api_tokens_id_fk" FOREIGN KEY ("token_id") REFERENCES "public"."api_tokens"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_events" ADD CONSTRAINT "supplier_events_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_events" ADD CONSTRAINT "supplier_events_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_events" ADD CONSTRAINT "supplier_events_announcement_id_supplier_announcements_id_fk" FOREIGN KEY ("announcement_id") REFERENCES "public"."supplier_announcements"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_events" ADD CONSTRAINT "supplier_events_change_id_change_records_id_fk" FOREIGN KEY ("change_id") REFERENCES "public"."change_records"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "change_approvals_once_key" ON "change_approvals" USING btree ("change_id","approver_id");--> statement-breakpoint
CREATE UNIQUE INDEX "change_records_reference_key" ON "change_records" USING btree ("reference");--> statement-breakpoint
CREATE INDEX "change_records_window_idx" ON "change_records" USING btree ("state","window_start");--> statement-breakpoint
CREATE INDEX "supplier_announcement_items_device_idx" ON "supplier_announcement_items" USING btree ("device_id");--> statement-breakpoint
CREATE UNIQUE INDEX "supplier_announcements_idempotency_key" ON "supplier_announcements" USING btree ("supplier_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "supplier_announcements_window_idx" ON "supplier_announcements" USING btree ("window_start");--> statement-breakpoint
CREATE INDEX "supplier_devices_device_idx" ON "supplier_devices" USING btree ("device_id");--> statement-breakpoint
CREATE UNIQUE INDEX "supplier_events_idempotency_key" ON "supplier_events" USING btree ("supplier_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "supplier_events_device_idx" ON "supplier_events" USING btree ("device_id","occurred_at");--> statement-breakpoint
CREATE INDEX "supplier_events_occurred_idx" ON "supplier_events" USING btree ("occurred_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "suppliers_name_key" ON "suppliers" USING btree (lower("name"));--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_tokens_supplier_idx" ON "api_tokens" USING btree ("supplier_id");