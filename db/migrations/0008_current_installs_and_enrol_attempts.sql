CREATE TABLE "device_current_installs" (
	"device_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"release_id" uuid NOT NULL,
	"artifact_id" uuid NOT NULL,
	"sha256" char(64) NOT NULL,
	"request_id" uuid,
	"since" timestamp with time zone NOT NULL,
	"event_id" bigint NOT NULL,
	CONSTRAINT "device_current_installs_device_id_product_id_pk" PRIMARY KEY("device_id","product_id")
);
--> statement-breakpoint
CREATE TABLE "enrol_attempts" (
	"scope" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"attempts" integer NOT NULL,
	CONSTRAINT "enrol_attempts_scope_window_start_pk" PRIMARY KEY("scope","window_start")
);
--> statement-breakpoint
ALTER TABLE "device_current_installs" ADD CONSTRAINT "device_current_installs_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_current_installs" ADD CONSTRAINT "device_current_installs_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_current_installs" ADD CONSTRAINT "device_current_installs_release_id_releases_id_fk" FOREIGN KEY ("release_id") REFERENCES "public"."releases"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_current_installs" ADD CONSTRAINT "device_current_installs_artifact_id_artifacts_id_fk" FOREIGN KEY ("artifact_id") REFERENCES "public"."artifacts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_current_installs" ADD CONSTRAINT "device_current_installs_request_id_service_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."service_requests"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "device_current_installs_product_idx" ON "device_current_installs" USING btree ("product_id","release_id");--> statement-breakpoint
CREATE INDEX "device_current_installs_release_idx" ON "device_current_installs" USING btree ("release_id","since");