import type { Knex } from 'knex';

/**
 * Running the business without SQL: admins and their tokens (in the one credential store),
 * credential expiry and grace-period revocation, markup tiers, audit actors and before/after,
 * acknowledgement of reviewed audit events, Idempotency-Keys owned by admins as well as resellers,
 * and the `account.manage` ability on every token that held all of the earlier ones.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('admins', (t) => {
    t.increments('id');
    t.text('email').notNullable().unique();
    t.text('name').notNullable();
    t.text('status').notNullable().defaultTo('active').checkIn(['active', 'disabled'], 'admins_status_check');
    t.timestamps(true, true);
  });

  await knex.raw('ALTER TABLE api_credentials ALTER COLUMN reseller_id DROP NOT NULL');
  await knex.raw('ALTER TABLE api_credentials DROP CONSTRAINT api_credentials_kind_check');
  await knex.raw(`ALTER TABLE api_credentials ADD CONSTRAINT api_credentials_kind_check
    CHECK (kind IN ('api_key', 'token', 'admin_token'))`);
  await knex.schema.alterTable('api_credentials', (t) => {
    t.integer('admin_id').references('admins.id').onDelete('CASCADE');
    // Past this instant the credential answers 401 credential_expired.
    t.timestamp('expires_at', { useTz: true });
    t.index(['admin_id']);
  });
  // A credential belongs to exactly one reseller or one admin; admin tokens only to admins.
  await knex.raw(`ALTER TABLE api_credentials ADD CONSTRAINT api_credentials_owner_check CHECK (
    (kind = 'admin_token' AND admin_id IS NOT NULL AND reseller_id IS NULL)
    OR (kind <> 'admin_token' AND reseller_id IS NOT NULL AND admin_id IS NULL))`);
  await knex.raw(`UPDATE api_credentials SET abilities = array_append(abilities, 'account.manage')
    WHERE kind = 'token'
      AND abilities @> ARRAY['billing.read', 'domains.read', 'domains.write', 'orders.read', 'orders.write']
      AND NOT abilities @> ARRAY['account.manage']`);

  await knex.schema.createTable('markup_tiers', (t) => {
    t.increments('id');
    t.text('name').notNullable().unique();
    t.integer('markup_bps').notNullable().checkBetween([0, 100_000], 'markup_tiers_bps_check');
    t.timestamps(true, true);
  });
  await knex.schema.alterTable('resellers', (t) => {
    // Set: the reseller's markup_bps follows the tier's (kept in step in one transaction).
    t.integer('markup_tier_id').references('markup_tiers.id');
  });

  await knex.schema.alterTable('audit_events', (t) => {
    // Who did it: admin:<id>, reseller:<id>, cli:<os user>, or system (workflows).
    t.text('actor');
    t.timestamp('acknowledged_at', { useTz: true });
    t.text('acknowledged_by');
  });

  await knex.schema.alterTable('idempotency_records', (t) => {
    // Whose key: reseller:<id> or admin:<id>.
    t.text('owner');
  });
  await knex.raw("UPDATE idempotency_records SET owner = 'reseller:' || reseller_id");
  await knex.raw('ALTER TABLE idempotency_records ALTER COLUMN owner SET NOT NULL');
  await knex.raw('ALTER TABLE idempotency_records ALTER COLUMN reseller_id DROP NOT NULL');
  await knex.schema.alterTable('idempotency_records', (t) => {
    t.dropUnique(['reseller_id', 'key']);
    t.unique(['owner', 'key']);
  });

  await knex.raw('CREATE INDEX api_logs_reseller_created ON api_logs (reseller_id, created_at)');
  await knex.raw(
    'CREATE INDEX ledger_entries_reseller_posted ON ledger_entries (reseller_id, posted_at, id)',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS ledger_entries_reseller_posted');
  await knex.raw('DROP INDEX IF EXISTS api_logs_reseller_created');
  await knex('idempotency_records').whereNull('reseller_id').del();
  await knex.schema.alterTable('idempotency_records', (t) => {
    t.dropUnique(['owner', 'key']);
    t.unique(['reseller_id', 'key']);
    t.dropColumn('owner');
  });
  await knex.raw('ALTER TABLE idempotency_records ALTER COLUMN reseller_id SET NOT NULL');
  await knex.schema.alterTable('audit_events', (t) => {
    t.dropColumn('actor');
    t.dropColumn('acknowledged_at');
    t.dropColumn('acknowledged_by');
  });
  await knex.schema.alterTable('resellers', (t) => t.dropColumn('markup_tier_id'));
  await knex.schema.dropTableIfExists('markup_tiers');
  await knex.raw(`UPDATE api_credentials SET abilities = array_remove(abilities, 'account.manage')`);
  await knex('api_credentials').where({ kind: 'admin_token' }).del();
  await knex.raw('ALTER TABLE api_credentials DROP CONSTRAINT api_credentials_owner_check');
  await knex.schema.alterTable('api_credentials', (t) => {
    t.dropColumn('admin_id');
    t.dropColumn('expires_at');
  });
  await knex.raw('ALTER TABLE api_credentials ALTER COLUMN reseller_id SET NOT NULL');
  await knex.raw('ALTER TABLE api_credentials DROP CONSTRAINT api_credentials_kind_check');
  await knex.raw(`ALTER TABLE api_credentials ADD CONSTRAINT api_credentials_kind_check
    CHECK (kind IN ('api_key', 'token'))`);
  await knex.schema.dropTableIfExists('admins');
}
