ALTER TABLE "endpoints" ADD COLUMN "filter" json;--> statement-breakpoint
ALTER TABLE "endpoints" ADD COLUMN "headers" jsonb DEFAULT '[]'::jsonb NOT NULL;