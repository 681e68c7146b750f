CREATE TABLE "plugin_enablements" (
	"id" text PRIMARY KEY NOT NULL,
	"practice_ods" text NOT NULL,
	"plugin_name" text NOT NULL,
	"version_id" text NOT NULL,
	"scopes" text[] NOT NULL,
	"status" text NOT NULL,
	"changed_by" text NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plugin_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"version_id" text NOT NULL,
	"supplier_id" text NOT NULL,
	"practice_ods" text NOT NULL,
	"trigger" jsonb NOT NULL,
	"outcome" text NOT NULL,
	"error" text,
	"duration_ms" integer NOT NULL,
	"memory_bytes" integer NOT NULL,
	"effects_proposed" jsonb NOT NULL,
	"effects_applied" integer NOT NULL,
	"logs" jsonb NOT NULL,
	"logs_dropped" integer NOT NULL,
	"input" jsonb,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plugin_trigger_claims" (
	"enablement_id" text NOT NULL,
	"trigger_key" text NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plugin_trigger_claims_enablement_id_trigger_key_pk" PRIMARY KEY("enablement_id","trigger_key")
);
--> statement-breakpoint
CREATE TABLE "plugin_versions" (
	"id" text PRIMARY KEY NOT NULL,
	"supplier_id" text NOT NULL,
	"name" text NOT NULL,
	"version" text NOT NULL,
	"manifest" jsonb NOT NULL,
	"bundle" text NOT NULL,
	"bundle_sha256" text NOT NULL,
	"bundle_bytes" integer NOT NULL,
	"status" text NOT NULL,
	"review_reason" text,
	"reviewed_by" text,
	"reviewed_at" timestamp with time zone,
	"submitted_by" text NOT NULL,
	"submitted_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "practice_tasks" (
	"id" text PRIMARY KEY NOT NULL,
	"practice_ods" text NOT NULL,
	"nhs_number" text NOT NULL,
	"title" text NOT NULL,
	"detail" text,
	"due_date" date,
	"status" text NOT NULL,
	"created_by_run" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_by" text,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "plugin_enablements" ADD CONSTRAINT "plugin_enablements_practice_ods_practices_ods_code_fk" FOREIGN KEY ("practice_ods") REFERENCES "public"."practices"("ods_code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plugin_enablements" ADD CONSTRAINT "plugin_enablements_version_id_plugin_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."plugin_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plugin_runs" ADD CONSTRAINT "plugin_runs_version_id_plugin_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."plugin_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plugin_versions" ADD CONSTRAINT "plugin_versions_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "practice_tasks" ADD CONSTRAINT "practice_tasks_practice_ods_practices_ods_code_fk" FOREIGN KEY ("practice_ods") REFERENCES "public"."practices"("ods_code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "plugin_enablements_practice_plugin_idx" ON "plugin_enablements" USING btree ("practice_ods","plugin_name");--> statement-breakpoint
CREATE INDEX "plugin_enablements_version_idx" ON "plugin_enablements" USING btree ("version_id");--> statement-breakpoint
CREATE INDEX "plugin_runs_practice_idx" ON "plugin_runs" USING btree ("practice_ods","id");--> statement-breakpoint
CREATE INDEX "plugin_runs_supplier_idx" ON "plugin_runs" USING btree ("supplier_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "plugin_versions_name_version_idx" ON "plugin_versions" USING btree ("name","version");--> statement-breakpoint
CREATE INDEX "plugin_versions_supplier_idx" ON "plugin_versions" USING btree ("supplier_id");--> statement-breakpoint
CREATE INDEX "practice_tasks_practice_idx" ON "practice_tasks" USING btree ("practice_ods","status","id");