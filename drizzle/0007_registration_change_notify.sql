-- Custom migration: each patient's registered practice is cached by the API as an access fact (it
-- decides which practice's enablement and clinical system apply), so every change to registrations
-- or to practices notifies "access_facts_changed" when it commits, as the other access facts do.
CREATE TRIGGER "patient_registrations_access_facts_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "patient_registrations" FOR EACH STATEMENT EXECUTE FUNCTION "notify_access_facts_changed"();
--> statement-breakpoint
CREATE TRIGGER "practices_access_facts_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "practices" FOR EACH STATEMENT EXECUTE FUNCTION "notify_access_facts_changed"();
