CREATE TABLE "client_apps" (
	"id" text PRIMARY KEY NOT NULL,
	"supplier_id" text NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'ACTIVE' NOT NULL,
	"jwks" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "enablements" (
	"id" text PRIMARY KEY NOT NULL,
	"practice_ods" text NOT NULL,
	"app_id" text NOT NULL,
	"scopes" text[] NOT NULL,
	"status" text NOT NULL,
	"changed_by" text NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pairing_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "pairing_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"pairing_id" text NOT NULL,
	"from_stage" text,
	"to_stage" text NOT NULL,
	"reason" text NOT NULL,
	"evidence" jsonb,
	"actor_id" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pairings" (
	"id" text PRIMARY KEY NOT NULL,
	"supplier_id" text NOT NULL,
	"system_id" text NOT NULL,
	"stage" text NOT NULL,
	"suspended_from" text,
	"version" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "supplier_members" (
	"person_id" text PRIMARY KEY NOT NULL,
	"supplier_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "supplier_scopes" (
	"supplier_id" text NOT NULL,
	"scope" text NOT NULL,
	"granted_by" text,
	"granted_at" timestamp with time zone,
	CONSTRAINT "supplier_scopes_supplier_id_scope_pk" PRIMARY KEY("supplier_id","scope")
);
--> statement-breakpoint
CREATE TABLE "suppliers" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"contact_name" text NOT NULL,
	"contact_email" text NOT NULL,
	"use_case" text NOT NULL,
	"prerequisites" jsonb,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "used_jtis" (
	"client_id" text NOT NULL,
	"jti" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "used_jtis_client_id_jti_pk" PRIMARY KEY("client_id","jti")
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"id" text NOT NULL,
	"at" timestamp (6) with time zone NOT NULL,
	"actor_kind" text NOT NULL,
	"actor_id" text NOT NULL,
	"supplier_id" text,
	"app_id" text,
	"plugin_id" text,
	"practice_ods" text,
	"nhs_number" text,
	"operation" text NOT NULL,
	"detail" jsonb NOT NULL,
	"outcome" text NOT NULL,
	"reason" text,
	"request_id" text NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_head" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "signing_keys" ADD COLUMN "purpose" text DEFAULT 'dev-issuer' NOT NULL;--> statement-breakpoint
ALTER TABLE "client_apps" ADD CONSTRAINT "client_apps_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enablements" ADD CONSTRAINT "enablements_practice_ods_practices_ods_code_fk" FOREIGN KEY ("practice_ods") REFERENCES "public"."practices"("ods_code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enablements" ADD CONSTRAINT "enablements_app_id_client_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."client_apps"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pairing_events" ADD CONSTRAINT "pairing_events_pairing_id_pairings_id_fk" FOREIGN KEY ("pairing_id") REFERENCES "public"."pairings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pairings" ADD CONSTRAINT "pairings_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_members" ADD CONSTRAINT "supplier_members_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_scopes" ADD CONSTRAINT "supplier_scopes_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "client_apps_supplier_idx" ON "client_apps" USING btree ("supplier_id");--> statement-breakpoint
CREATE UNIQUE INDEX "enablements_practice_app_idx" ON "enablements" USING btree ("practice_ods","app_id");--> statement-breakpoint
CREATE INDEX "enablements_app_idx" ON "enablements" USING btree ("app_id");--> statement-breakpoint
CREATE INDEX "pairing_events_pairing_idx" ON "pairing_events" USING btree ("pairing_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "pairings_supplier_system_idx" ON "pairings" USING btree ("supplier_id","system_id");--> statement-breakpoint
CREATE INDEX "pairings_stage_idx" ON "pairings" USING btree ("stage");--> statement-breakpoint
CREATE INDEX "used_jtis_expiry_idx" ON "used_jtis" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "audit_practice_idx" ON "audit_events" USING btree ("practice_ods","seq");--> statement-breakpoint
CREATE INDEX "audit_patient_idx" ON "audit_events" USING btree ("nhs_number","seq");--> statement-breakpoint
CREATE INDEX "audit_supplier_idx" ON "audit_events" USING btree ("supplier_id","seq");--> statement-breakpoint
CREATE INDEX "audit_at_idx" ON "audit_events" USING btree ("at");--> statement-breakpoint
CREATE OR REPLACE FUNCTION "audit_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only';
END
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_events_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_events" FOR EACH ROW EXECUTE FUNCTION "audit_events_append_only"();
--> statement-breakpoint
CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events" FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_append_only"();
