-- Wakes every dispatcher (LISTEN outbox_events) when events commit; NOTIFY is delivered only on
-- commit, so a rolled-back write wakes nobody. One notification per statement is enough: the
-- dispatcher claims whatever is pending.
CREATE OR REPLACE FUNCTION outbox_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('outbox_events', '');
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER outbox_events_notify AFTER INSERT ON outbox_events FOR EACH STATEMENT EXECUTE FUNCTION outbox_events_notify();
