/** The PostgreSQL schema pg-boss keeps its tables in; operators query `pgboss.job`. */
export const queueSchema = 'pgboss';

/** Every delivery attempt is one job on this queue. */
export const deliveryQueue = 'delivery';

/**
 * Where pg-boss copies a delivery job that will never succeed. Operators read it with SQL
 * (`select … from pgboss.job where name = 'delivery-dead-letter'`) and replay it through the API.
 * A dead letter waiting for an operator is in state `created`; a replayed one is `completed`.
 */
export const deadLetterQueue = 'delivery-dead-letter';
