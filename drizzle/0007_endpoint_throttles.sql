CREATE TABLE "endpoint_throttles" (
	"endpoint_id" text PRIMARY KEY NOT NULL,
	"next_slot_at" timestamp with time zone DEFAULT now() NOT NULL,
	"queue_until" timestamp with time zone DEFAULT now() NOT NULL,
	"leases" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"request_ms" double precision
);
--> statement-breakpoint
ALTER TABLE "endpoints" ADD COLUMN "rate_limit" double precision;--> statement-breakpoint
ALTER TABLE "endpoints" ADD COLUMN "max_in_flight" integer DEFAULT 10 NOT NULL;--> statement-breakpoint
ALTER TABLE "endpoint_throttles" ADD CONSTRAINT "endpoint_throttles_endpoint_id_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."endpoints"("id") ON DELETE cascade ON UPDATE no action;