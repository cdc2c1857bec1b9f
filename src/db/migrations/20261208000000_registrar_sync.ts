import type { Knex } from 'knex';

/**
 * Our record of a domain is what we answer; the registrar converges to it. A domain keeps the
 * contacts we sent (and their registrar IDs) and whether the registrar has been seen to hold what
 * we changed: `registrar_pending_since` is the latest change it may not show yet (null: none),
 * `registrar_synced_at` when it was last seen to agree.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('domains', (t) => {
    t.jsonb('contacts');
    t.jsonb('contact_ids');
    t.timestamp('registrar_pending_since', { useTz: true });
    t.timestamp('registrar_synced_at', { useTz: true });
  });
  await knex('domains').update({ registrarSyncedAt: knex.raw('coalesce(last_synced_at, updated_at)') });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('domains', (t) => {
    t.dropColumn('contacts');
    t.dropColumn('contact_ids');
    t.dropColumn('registrar_pending_since');
    t.dropColumn('registrar_synced_at');
  });
}
