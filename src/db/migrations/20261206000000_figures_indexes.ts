import type { Knex } from 'knex';

/**
 * The console overview's figures read by day: orders placed (all resellers), orders completed,
 * and webhook delivery attempts. Without these each overview would scan the whole tables.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX orders_created_at ON orders (created_at)');
  await knex.raw("CREATE INDEX orders_completed_at ON orders (completed_at) WHERE status = 'completed'");
  await knex.raw('CREATE INDEX webhook_deliveries_created_at ON webhook_deliveries (created_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS webhook_deliveries_created_at');
  await knex.raw('DROP INDEX IF EXISTS orders_completed_at');
  await knex.raw('DROP INDEX IF EXISTS orders_created_at');
}
