-- What was published stays as it was published. A release that has left draft keeps its product,
-- version, publication time and change reference; only its later lifecycle dates, withdrawal
-- reason and notes may still be written. (Issue: these could be changed by plain SQL.)
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
  IF OLD.status <> 'draft' AND (
       NEW.product_id IS DISTINCT FROM OLD.product_id OR NEW.version IS DISTINCT FROM OLD.version
    OR NEW.published_at IS DISTINCT FROM OLD.published_at OR NEW.change_ref IS DISTINCT FROM OLD.change_ref
    OR NEW.created_at IS DISTINCT FROM OLD.created_at
  ) THEN
    RAISE EXCEPTION 'release % is %: its product, version, publication time and change reference are immutable', OLD.id, OLD.status
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
-- A published artifact's name and media type are part of what was published, like its bytes; and
-- an artifact found corrupt stays corrupt (fresh, verified bytes come in as a new artifact).
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
  IF TG_OP = 'UPDATE' AND OLD.status = 'corrupt' AND NEW.status IS DISTINCT FROM 'corrupt' THEN
    RAISE EXCEPTION 'artifact % failed its integrity check and stays corrupt', OLD.id
      USING ERRCODE = 'insufficient_privilege';
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
       OR NEW.platform IS DISTINCT FROM OLD.platform OR NEW.file_name IS DISTINCT FROM OLD.file_name
       OR NEW.media_type IS DISTINCT FROM OLD.media_type OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
      RAISE EXCEPTION 'artifact % belongs to a % release: its bytes and identity are immutable', OLD.id, rel_status
        USING ERRCODE = 'insufficient_privilege';
    END IF;
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END;
$$;
