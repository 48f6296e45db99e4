DROP INDEX "groups_name_key";--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "archived" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "groups_name_lower_key" ON "groups" USING btree (lower("name"));