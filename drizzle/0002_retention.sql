ALTER TABLE "deliveries" ADD COLUMN "job_id" uuid;--> statement-breakpoint
CREATE INDEX "deliveries_pending_due_idx" ON "deliveries" USING btree (coalesce("next_attempt_at", "created_at")) WHERE "deliveries"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "events_created_at_idx" ON "events" USING btree ("created_at");--> statement-breakpoint
-- Deliveries already pending when this migration runs: record the live job each one has, so the reconciler
-- does not take them for orphans. A one-time search of the jobs by payload; pg-boss may not be installed yet.
DO $$ BEGIN
  IF to_regclass('pgboss.job') IS NOT NULL THEN
    EXECUTE $sql$
      UPDATE "deliveries" d SET "job_id" = j.id
        FROM pgboss.job j
       WHERE j.name = 'delivery' AND j.state::text IN ('created', 'retry', 'active')
         AND j.data->>'deliveryId' = d.id AND d.status = 'pending'
    $sql$;
  END IF;
END $$;
