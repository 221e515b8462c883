CREATE SEQUENCE "public"."deliveries_ordering_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "ordering_key" text;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "ordering_seq" bigint;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "ordering_key" text;--> statement-breakpoint
CREATE INDEX "deliveries_ordering_line_idx" ON "deliveries" USING btree ("endpoint_id","ordering_key","ordering_seq") WHERE "deliveries"."status" = 'pending' and "deliveries"."ordering_key" is not null;