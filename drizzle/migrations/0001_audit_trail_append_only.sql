-- The ticket audit trail is append-only: history that can be edited is not an audit trail.
-- Rows may still be deleted together with their ticket or tenant (ON DELETE CASCADE), which is how a
-- tenant's data is removed; an UPDATE is always refused.
CREATE OR REPLACE FUNCTION atlas_refuse_audit_update() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'ticket_events is append-only (attempted % on event %)', TG_OP, OLD.id
    USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER ticket_events_append_only
  BEFORE UPDATE ON ticket_events
  FOR EACH ROW EXECUTE FUNCTION atlas_refuse_audit_update();
