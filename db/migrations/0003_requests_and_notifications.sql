CREATE TABLE "notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"link" text,
	"read_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "service_requests" ADD COLUMN "due_soon_notified_stage" integer;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notifications_user_idx" ON "notifications" USING btree ("user_id","read_at","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "entitlements_one_active_key" ON "entitlements" USING btree ("user_id","device_id","product_id") WHERE "entitlements"."status" = 'active';--> statement-breakpoint
CREATE UNIQUE INDEX "service_requests_one_open_key" ON "service_requests" USING btree ("requester_id","product_id","device_id") WHERE "service_requests"."status" in ('submitted', 'pending_approval', 'waiting_for_seat', 'approved');