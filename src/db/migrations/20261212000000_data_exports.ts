import type { Knex } from 'knex';

/**
 * A reseller's data exports: everything the reseller owns as one zip archive of JSON and CSV
 * files, built by a workflow, downloadable until `expires_at` (the workflow then deletes the
 * archive and marks the export expired).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('data_exports', (t) => {
    t.increments('id').primary();
    t.text('public_id').notNullable().unique();
    t.integer('reseller_id').notNullable().references('resellers.id').onDelete('CASCADE');
    t.text('status')
      .notNullable()
      .defaultTo('processing')
      .checkIn(['processing', 'ready', 'expired', 'failed'], 'data_exports_status_check');
    /** Who asked (an API credential, a portal session), for the audit trail. */
    t.text('requested_by').notNullable();
    t.binary('archive');
    t.integer('byte_size');
    /** The archive's files: name, records, sha256. */
    t.jsonb('files');
    /** The ledger's totals as the archive holds them (they equal the wallet statement's). */
    t.jsonb('totals');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('completed_at', { useTz: true });
    t.timestamp('expires_at', { useTz: true });
    t.index(['reseller_id', 'id']);
  });
  // One export being built per reseller at a time.
  await knex.raw(
    "CREATE UNIQUE INDEX data_exports_one_building ON data_exports (reseller_id) WHERE status = 'processing'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('data_exports');
}
