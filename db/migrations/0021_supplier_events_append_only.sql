-- What suppliers reported is history like install_events: the database refuses to change it.
CREATE TRIGGER supplier_events_append_only BEFORE UPDATE OR DELETE ON supplier_events
  FOR EACH ROW EXECUTE FUNCTION reject_history_change();
--> statement-breakpoint
CREATE TRIGGER supplier_events_no_truncate BEFORE TRUNCATE ON supplier_events
  FOR EACH STATEMENT EXECUTE FUNCTION reject_history_change();
