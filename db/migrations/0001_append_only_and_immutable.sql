-- Install events and audit events are append-only: the database refuses to change history,
-- whatever code (or person with a SQL prompt) tries.
CREATE OR REPLACE FUNCTION reject_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER install_events_append_only BEFORE UPDATE OR DELETE ON install_events
  FOR EACH ROW EXECUTE FUNCTION reject_history_change();
--> statement-breakpoint
CREATE TRIGGER install_events_no_truncate BEFORE TRUNCATE ON install_events
  FOR EACH STATEMENT EXECUTE FUNCTION reject_history_change();
--> statement-breakpoint
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION reject_history_change();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION reject_history_change();
--> statement-breakpoint
-- Once its release has left draft, an artifact's bytes are fixed: its size, hash, storage key
-- and block hashes can never change, it cannot be removed, and no artifact can be added. Only its status may move (to
-- 'corrupt' when verification finds the stored file tampered with).
CREATE OR REPLACE FUNCTION protect_published_artifact() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  rel_status release_status;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT status INTO rel_status FROM releases WHERE id = NEW.release_id;
    IF rel_status IS DISTINCT FROM 'draft' THEN
      RAISE EXCEPTION 'artifacts can only be added to a draft release (this one is %)', rel_status
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END IF;
  SELECT status INTO rel_status FROM releases WHERE id = OLD.release_id;
  IF rel_status IS DISTINCT FROM 'draft' THEN
    IF TG_OP = 'DELETE' THEN
      RAISE EXCEPTION 'artifact % belongs to a % release and cannot be deleted', OLD.id, rel_status
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.sha256 IS DISTINCT FROM OLD.sha256 OR NEW.size_bytes IS DISTINCT FROM OLD.size_bytes
       OR NEW.storage_key IS DISTINCT FROM OLD.storage_key OR NEW.block_hashes IS DISTINCT FROM OLD.block_hashes
       OR NEW.block_size IS DISTINCT FROM OLD.block_size OR NEW.release_id IS DISTINCT FROM OLD.release_id
       OR NEW.platform IS DISTINCT FROM OLD.platform THEN
      RAISE EXCEPTION 'artifact % belongs to a % release: its bytes and identity are immutable', OLD.id, rel_status
        USING ERRCODE = 'insufficient_privilege';
    END IF;
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER artifacts_immutable_once_published BEFORE INSERT OR UPDATE OR DELETE ON artifacts
  FOR EACH ROW EXECUTE FUNCTION protect_published_artifact();
--> statement-breakpoint
-- A release never goes back: draft → published → deprecated → withdrawn (withdrawn is final).
CREATE OR REPLACE FUNCTION enforce_release_lifecycle() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
       (OLD.status = 'draft' AND NEW.status = 'published')
    OR (OLD.status = 'published' AND NEW.status IN ('deprecated', 'withdrawn'))
    OR (OLD.status = 'deprecated' AND NEW.status = 'withdrawn')
  ) THEN
    RAISE EXCEPTION 'release % cannot move from % to %', OLD.id, OLD.status, NEW.status
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER releases_lifecycle BEFORE UPDATE ON releases
  FOR EACH ROW EXECUTE FUNCTION enforce_release_lifecycle();
