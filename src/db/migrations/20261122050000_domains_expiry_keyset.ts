import type { Knex } from 'knex';

/** The expiry scan pages by (expires_at, id): give it the matching index. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX domains_expires_at_id ON domains (expires_at, id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS domains_expires_at_id');
}
