-- Tenant isolation enforced by PostgreSQL, not only by each query's WHERE clause.
--
-- Tenant-scoped work (an API request, a job; see drizzle/tenant-scope.ts) runs every statement in a
-- transaction that sets `atlas.tenant_id` and switches to the role `atlas_tenant`. That role is not
-- the tables' owner, so these policies hold it to rows of its tenant, for reads and for writes: a
-- query that forgets its tenant filter sees nothing of another tenant, and cannot write into one.
-- The connecting user owns the tables and is not subject to the policies (no FORCE): migrations,
-- startup and the few reads that find which tenant a credential or webhook belongs to run as it.
--
-- The role is cluster-wide, so it may exist already (another database on the same server); two
-- migrators in two databases may race to create it.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'atlas_tenant') THEN
    CREATE ROLE atlas_tenant NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END
$$;
--> statement-breakpoint
-- A connecting user that is not a superuser may only switch to a role it is a member of.
DO $$
BEGIN
  EXECUTE format('GRANT atlas_tenant TO %I', current_user);
EXCEPTION WHEN duplicate_object OR invalid_grant_operation THEN
  NULL;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO atlas_tenant;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO atlas_tenant;
--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO atlas_tenant;
--> statement-breakpoint
-- Tables added by later migrations get the same grants (their policies are added with them).
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO atlas_tenant;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO atlas_tenant;
--> statement-breakpoint
ALTER TABLE "tenants" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "tenants" TO atlas_tenant
  USING ("id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "actor_snapshots" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "actor_snapshots" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "agent_decisions" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "agent_decisions" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "api_keys" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "api_keys" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "attachments" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "attachments" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "canned_responses" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "canned_responses" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "channel_templates" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "channel_templates" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "channels" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "channels" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "churn_risks" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "churn_risks" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "contact_identities" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "contact_identities" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "contacts" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "contacts" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "conversations" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "conversations" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "custom_fields" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "custom_fields" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "drafts" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "drafts" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "health_scores" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "health_scores" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "invitations" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "invitations" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "knowledge_gap_digests" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "knowledge_gap_digests" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "knowledge_gaps" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "knowledge_gaps" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "library_documents" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "library_documents" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "library_passages" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "library_passages" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "messages" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "messages" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "notification_deliveries" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "notification_deliveries" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "notifications" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "notifications" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "product_events" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "product_events" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "queues" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "queues" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "routing_rules" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "routing_rules" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "satisfaction_ratings" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "satisfaction_ratings" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "satisfaction_surveys" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "satisfaction_surveys" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "save_play_steps" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "save_play_steps" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "sessions" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "sessions" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "tags" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "tags" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "ticket_events" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "ticket_events" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "ticket_slas" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "ticket_slas" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "tickets" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "tickets" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "training_examples" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "training_examples" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
--> statement-breakpoint
ALTER TABLE "users" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "users" TO atlas_tenant
  USING ("tenant_id" = current_setting('atlas.tenant_id')::uuid)
  WITH CHECK ("tenant_id" = current_setting('atlas.tenant_id')::uuid);
