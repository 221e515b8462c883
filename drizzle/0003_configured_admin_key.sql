ALTER TABLE "api_keys" ADD COLUMN "configured" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- The key HOOKLINE_ADMIN_KEY registered was stored under that name with its first 8 characters in the
-- clear: mark it as configured and drop those characters now. Its hash is upgraded to a keyed one at
-- the API's next start (that needs HOOKLINE_ENCRYPTION_KEY, which the database never sees).
UPDATE "api_keys" SET "configured" = true, "key_prefix" = 'configured' WHERE "name" = 'HOOKLINE_ADMIN_KEY' AND "app_id" IS NULL;
