/** Every delivery attempt is one job on this queue. */
export const deliveryQueue = 'delivery';

/**
 * Where pg-boss copies a delivery job that will never succeed. Operators read it with SQL
 * (`select … from pgboss.job where name = 'delivery-dead-letter'`) and replay from it.
 */
export const deadLetterQueue = 'delivery-dead-letter';
