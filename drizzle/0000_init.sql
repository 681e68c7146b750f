CREATE SCHEMA "sandbox";
--> statement-breakpoint
CREATE TABLE "patient_registrations" (
	"nhs_number" text PRIMARY KEY NOT NULL,
	"practice_ods" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "people" (
	"id" text PRIMARY KEY NOT NULL,
	"display_name" text NOT NULL,
	"role" text NOT NULL,
	"practice_ods" text
);
--> statement-breakpoint
CREATE TABLE "practices" (
	"ods_code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"system_id" text NOT NULL,
	"connector" text DEFAULT 'sandbox' NOT NULL,
	"is_sandbox" boolean DEFAULT true NOT NULL,
	"endpoint" jsonb
);
--> statement-breakpoint
CREATE TABLE "seed_runs" (
	"key" text PRIMARY KEY NOT NULL,
	"seed" integer NOT NULL,
	"patients" integer NOT NULL,
	"anchor_date" date NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "signing_keys" (
	"kid" text PRIMARY KEY NOT NULL,
	"alg" text NOT NULL,
	"public_jwk" jsonb NOT NULL,
	"private_jwk" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox"."allergies" (
	"id" text PRIMARY KEY NOT NULL,
	"nhs_number" text NOT NULL,
	"code" text NOT NULL,
	"display" text NOT NULL,
	"category" text,
	"clinical_status" text NOT NULL,
	"onset_date" date,
	"asserted_date" date,
	"end_date" date,
	"reaction_code" text,
	"reaction_display" text,
	"severity" text,
	"note" text,
	"recorder" text
);
--> statement-breakpoint
CREATE TABLE "sandbox"."appointments" (
	"id" text PRIMARY KEY NOT NULL,
	"slot_id" text NOT NULL,
	"nhs_number" text NOT NULL,
	"practice_ods" text NOT NULL,
	"start" timestamp with time zone NOT NULL,
	"end" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"description" text,
	"comment" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox"."consultations" (
	"id" text PRIMARY KEY NOT NULL,
	"nhs_number" text NOT NULL,
	"date" date NOT NULL,
	"type" text NOT NULL,
	"practitioner" text,
	"location" text,
	"entries" jsonb DEFAULT '[]'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox"."diary_entries" (
	"id" text PRIMARY KEY NOT NULL,
	"nhs_number" text NOT NULL,
	"planned_date" date,
	"code" text NOT NULL,
	"display" text NOT NULL,
	"status" text,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "sandbox"."immunisations" (
	"id" text PRIMARY KEY NOT NULL,
	"nhs_number" text NOT NULL,
	"code" text NOT NULL,
	"display" text NOT NULL,
	"date" date,
	"given" boolean NOT NULL,
	"dose_sequence" integer,
	"reason_not_given_code" text,
	"reason_not_given_display" text
);
--> statement-breakpoint
CREATE TABLE "sandbox"."investigations" (
	"id" text PRIMARY KEY NOT NULL,
	"nhs_number" text NOT NULL,
	"date" date NOT NULL,
	"code" text NOT NULL,
	"display" text NOT NULL,
	"status" text,
	"specimen" text,
	"results" jsonb DEFAULT '[]'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox"."medications" (
	"id" text PRIMARY KEY NOT NULL,
	"nhs_number" text NOT NULL,
	"dmd_code" text NOT NULL,
	"display" text NOT NULL,
	"dosage_text" text,
	"quantity_text" text,
	"prescription_type" text NOT NULL,
	"status" text NOT NULL,
	"start_date" date,
	"end_date" date,
	"prescriber" text,
	"issues" jsonb DEFAULT '[]'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox"."observations" (
	"id" text PRIMARY KEY NOT NULL,
	"nhs_number" text NOT NULL,
	"date" date NOT NULL,
	"code" text NOT NULL,
	"display" text NOT NULL,
	"value" real,
	"unit" text,
	"components" jsonb DEFAULT '[]'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox"."patients" (
	"nhs_number" text PRIMARY KEY NOT NULL,
	"practice_ods" text NOT NULL,
	"given_name" text NOT NULL,
	"family_name" text NOT NULL,
	"birth_date" date NOT NULL,
	"gender" text NOT NULL,
	"withheld_sections" text[] DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox"."problems" (
	"id" text PRIMARY KEY NOT NULL,
	"nhs_number" text NOT NULL,
	"code" text NOT NULL,
	"display" text NOT NULL,
	"status" text NOT NULL,
	"significance" text,
	"onset_date" date,
	"end_date" date,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "sandbox"."referrals" (
	"id" text PRIMARY KEY NOT NULL,
	"nhs_number" text NOT NULL,
	"date" date NOT NULL,
	"reason_code" text,
	"reason_display" text,
	"specialty" text,
	"priority" text NOT NULL,
	"status" text,
	"recipient" text
);
--> statement-breakpoint
CREATE TABLE "sandbox"."schedules" (
	"id" text PRIMARY KEY NOT NULL,
	"practice_ods" text NOT NULL,
	"practitioner" text NOT NULL,
	"practitioner_role" text NOT NULL,
	"location" text NOT NULL,
	"service_type" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox"."slots" (
	"id" text PRIMARY KEY NOT NULL,
	"schedule_id" text NOT NULL,
	"practice_ods" text NOT NULL,
	"start" timestamp with time zone NOT NULL,
	"end" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"delivery_channel" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "patient_registrations" ADD CONSTRAINT "patient_registrations_practice_ods_practices_ods_code_fk" FOREIGN KEY ("practice_ods") REFERENCES "public"."practices"("ods_code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_practice_ods_practices_ods_code_fk" FOREIGN KEY ("practice_ods") REFERENCES "public"."practices"("ods_code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "patient_registrations_practice_idx" ON "patient_registrations" USING btree ("practice_ods","nhs_number");--> statement-breakpoint
CREATE INDEX "practices_system_idx" ON "practices" USING btree ("system_id");--> statement-breakpoint
CREATE INDEX "sb_allergies_patient_idx" ON "sandbox"."allergies" USING btree ("nhs_number");--> statement-breakpoint
CREATE INDEX "sb_appointments_patient_idx" ON "sandbox"."appointments" USING btree ("nhs_number","start");--> statement-breakpoint
CREATE INDEX "sb_consultations_patient_idx" ON "sandbox"."consultations" USING btree ("nhs_number");--> statement-breakpoint
CREATE INDEX "sb_diary_entries_patient_idx" ON "sandbox"."diary_entries" USING btree ("nhs_number");--> statement-breakpoint
CREATE INDEX "sb_immunisations_patient_idx" ON "sandbox"."immunisations" USING btree ("nhs_number");--> statement-breakpoint
CREATE INDEX "sb_investigations_patient_idx" ON "sandbox"."investigations" USING btree ("nhs_number");--> statement-breakpoint
CREATE INDEX "sb_medications_patient_idx" ON "sandbox"."medications" USING btree ("nhs_number");--> statement-breakpoint
CREATE INDEX "sb_observations_patient_idx" ON "sandbox"."observations" USING btree ("nhs_number");--> statement-breakpoint
CREATE INDEX "sb_patients_practice_idx" ON "sandbox"."patients" USING btree ("practice_ods");--> statement-breakpoint
CREATE INDEX "sb_problems_patient_idx" ON "sandbox"."problems" USING btree ("nhs_number");--> statement-breakpoint
CREATE INDEX "sb_referrals_patient_idx" ON "sandbox"."referrals" USING btree ("nhs_number");--> statement-breakpoint
CREATE INDEX "sb_slots_practice_start_idx" ON "sandbox"."slots" USING btree ("practice_ods","start");