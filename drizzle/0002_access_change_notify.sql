-- Custom migration: every change to the facts behind a supplier app's access (the app itself, its
-- supplier's pairings and granted scopes, practices' enablements) notifies the channel
-- "access_facts_changed" when it commits, so each API process drops the access facts it cached.
-- A statement-level trigger: one notification per statement, whatever it touched.
CREATE OR REPLACE FUNCTION "notify_access_facts_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('access_facts_changed', TG_TABLE_NAME);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "client_apps_access_facts_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "client_apps" FOR EACH STATEMENT EXECUTE FUNCTION "notify_access_facts_changed"();
--> statement-breakpoint
CREATE TRIGGER "pairings_access_facts_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "pairings" FOR EACH STATEMENT EXECUTE FUNCTION "notify_access_facts_changed"();
--> statement-breakpoint
CREATE TRIGGER "supplier_scopes_access_facts_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "supplier_scopes" FOR EACH STATEMENT EXECUTE FUNCTION "notify_access_facts_changed"();
--> statement-breakpoint
CREATE TRIGGER "enablements_access_facts_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "enablements" FOR EACH STATEMENT EXECUTE FUNCTION "notify_access_facts_changed"();
