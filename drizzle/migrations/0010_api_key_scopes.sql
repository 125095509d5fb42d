-- API keys get scopes: read (GET on /v1), write (changes), admin (/v1/admin, key management included);
-- see server/auth/api-key-scopes.ts. Keys made before scopes acted as admins of their tenant: they
-- keep all three, so nothing that works today breaks. The default exists only for them: a new key
-- must name its scopes. Active keys of a tenant have distinct names (the demo seed finds its key by
-- name; before this, only that seed made keys, and it revoked any other active key of the name).
ALTER TABLE "api_keys" ADD COLUMN "scopes" text[] DEFAULT '{read,write,admin}' NOT NULL;--> statement-breakpoint
ALTER TABLE "api_keys" ALTER COLUMN "scopes" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "last_used_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_active_name" ON "api_keys" USING btree ("tenant_id","name") WHERE "api_keys"."revoked_at" is null;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_scopes_known" CHECK (cardinality("api_keys"."scopes") > 0 and "api_keys"."scopes" <@ array['read', 'write', 'admin']::text[]);
