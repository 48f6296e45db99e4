CREATE TABLE "product_screenshots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"product_id" uuid NOT NULL,
	"storage_key" text NOT NULL,
	"media_type" text NOT NULL,
	"alt_text" text NOT NULL,
	"position" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "product_screenshots_alt_present" CHECK (length(btrim("product_screenshots"."alt_text")) > 0)
);
--> statement-breakpoint
ALTER TABLE "product_screenshots" ADD CONSTRAINT "product_screenshots_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "product_screenshots_product_idx" ON "product_screenshots" USING btree ("product_id","position");