import type { Knex } from 'knex';

/** The first answer under an Idempotency-Key, kept as the exact bytes sent (jsonb reorders keys). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('idempotency_records', (t) => {
    t.text('response_text');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('idempotency_records', (t) => t.dropColumn('response_text'));
}
