CREATE TABLE "console_sessions" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"practice_ods" text,
	"access_token" text NOT NULL,
	"csrf_token" text NOT NULL,
	"flash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "console_sign_ins" (
	"state_hash" text PRIMARY KEY NOT NULL,
	"code_verifier" text NOT NULL,
	"nonce" text NOT NULL,
	"return_to" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "reviewed_by_name" text;--> statement-breakpoint
CREATE INDEX "console_sessions_expires_idx" ON "console_sessions" USING btree ("expires_at");--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_status_check" CHECK ("documents"."status" in ('AWAITING_REVIEW', 'FILED', 'REJECTED'));--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_review_check" CHECK (("documents"."status" = 'AWAITING_REVIEW') = ("documents"."reviewed_by" is null) and ("documents"."status" = 'AWAITING_REVIEW') = ("documents"."reviewed_at" is null) and ("documents"."status" = 'REJECTED') = ("documents"."review_reason" is not null));