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
--> statement-breakpoint
-- The retention sweep deletes a steady trickle of old rows: vacuum these tables after 2 % of their rows are
-- dead (PostgreSQL's default waits for 20 %), so the space is reused instead of the tables growing.
ALTER TABLE "events" SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 1000);--> statement-breakpoint
ALTER TABLE "deliveries" SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 1000);--> statement-breakpoint
ALTER TABLE "attempts" SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 1000);
