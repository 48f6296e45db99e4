CREATE TYPE "public"."publisher_key_kind" AS ENUM('openpgp', 'sigstore');--> statement-breakpoint
CREATE TYPE "public"."release_document_kind" AS ENUM('sbom', 'provenance');--> statement-breakpoint
CREATE TABLE "advisories" (
	"id" text PRIMARY KEY NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"severity" text DEFAULT 'unknown' NOT NULL,
	"aliases" text DEFAULT '' NOT NULL,
	"affected" jsonb NOT NULL,
	"modified_at" timestamp with time zone,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "artifact_signatures" (
	"artifact_id" uuid PRIMARY KEY NOT NULL,
	"key_id" uuid NOT NULL,
	"kind" "publisher_key_kind" NOT NULL,
	"signer" text NOT NULL,
	"signature" text NOT NULL,
	"verified_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "publisher_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"product_id" uuid NOT NULL,
	"kind" "publisher_key_kind" NOT NULL,
	"label" text NOT NULL,
	"fingerprint" text NOT NULL,
	"identity" text NOT NULL,
	"public_key" text NOT NULL,
	"expires_at" timestamp with time zone,
	"retired_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"revoke_reason" text,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "release_documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"release_id" uuid NOT NULL,
	"kind" "release_document_kind" NOT NULL,
	"format" text NOT NULL,
	"sha256" char(64) NOT NULL,
	"storage_key" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "release_reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"release_id" uuid NOT NULL,
	"key_id" uuid,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sbom_components" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"release_id" uuid NOT NULL,
	"name" text NOT NULL,
	"version" text NOT NULL,
	"purl" text,
	"ecosystem" text DEFAULT '' NOT NULL,
	"licences" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "require_signatures" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "require_sbom" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "block_critical_advisories" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "artifact_signatures" ADD CONSTRAINT "artifact_signatures_artifact_id_artifacts_id_fk" FOREIGN KEY ("artifact_id") REFERENCES "public"."artifacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "artifact_signatures" ADD CONSTRAINT "artifact_signatures_key_id_publisher_keys_id_fk" FOREIGN KEY ("key_id") REFERENCES "public"."publisher_keys"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "publisher_keys" ADD CONSTRAINT "publisher_keys_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "publisher_keys" ADD CONSTRAINT "publisher_keys_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_documents" ADD CONSTRAINT "release_documents_release_id_releases_id_fk" FOREIGN KEY ("release_id") REFERENCES "public"."releases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_reviews" ADD CONSTRAINT "release_reviews_release_id_releases_id_fk" FOREIGN KEY ("release_id") REFERENCES "public"."releases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_reviews" ADD CONSTRAINT "release_reviews_key_id_publisher_keys_id_fk" FOREIGN KEY ("key_id") REFERENCES "public"."publisher_keys"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sbom_components" ADD CONSTRAINT "sbom_components_release_id_releases_id_fk" FOREIGN KEY ("release_id") REFERENCES "public"."releases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "publisher_keys_product_fingerprint_key" ON "publisher_keys" USING btree ("product_id","fingerprint");--> statement-breakpoint
CREATE UNIQUE INDEX "release_documents_release_kind_key" ON "release_documents" USING btree ("release_id","kind");--> statement-breakpoint
CREATE INDEX "release_reviews_release_idx" ON "release_reviews" USING btree ("release_id");--> statement-breakpoint
CREATE INDEX "sbom_components_name_idx" ON "sbom_components" USING btree (lower("name"));--> statement-breakpoint
CREATE INDEX "sbom_components_release_idx" ON "sbom_components" USING btree ("release_id");