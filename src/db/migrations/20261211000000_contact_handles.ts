import type { Knex } from 'knex';

/**
 * Contact handles: a reseller's Whois contacts kept once and named by an ID (`con_…`), which
 * orders and domains refer to instead of repeating the person. Each is mirrored at the registrar
 * as one contact ID (`registrar_contact_id`, created the first time a registration or a Whois
 * change needs it, again after an edit); the IDs an edit left behind wait in
 * `retired_registrar_ids` until no domain uses them and are then deleted there. A handle is
 * deleted softly (`deleted_at`): orders that named it still read it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('contacts', (t) => {
    t.increments('id').primary();
    t.text('public_id').notNullable().unique();
    t.integer('reseller_id').notNullable().references('resellers.id').onDelete('CASCADE');
    t.text('name').notNullable();
    t.text('organization');
    t.text('address1').notNullable();
    t.text('address2');
    t.text('city').notNullable();
    t.text('state');
    t.text('postcode').notNullable();
    t.specificType('country', 'char(2)').notNullable();
    t.text('phone').notNullable();
    t.text('email').notNullable();
    /** sha256 of the contact's fields: an inline contact sent again names the same handle. */
    t.text('fingerprint').notNullable();
    /** Bumped by every edit; the registrar contact mirrors `registrar_version`. */
    t.integer('version').notNullable().defaultTo(1);
    t.text('registrar_contact_id');
    t.integer('registrar_version');
    t.specificType('retired_registrar_ids', 'text[]').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('deleted_at', { useTz: true });
    t.index(['reseller_id', 'id']);
  });
  // One live handle per reseller and contact: an inline contact sent again finds it.
  await knex.raw(
    'CREATE UNIQUE INDEX contacts_live_fingerprint ON contacts (reseller_id, fingerprint) WHERE deleted_at IS NULL',
  );
  await knex.schema.alterTable('domains', (t) => {
    t.integer('registrant_contact_id').references('contacts.id');
    t.integer('admin_contact_id').references('contacts.id');
    t.index(['registrant_contact_id']);
    t.index(['admin_contact_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('domains', (t) => {
    t.dropColumn('registrant_contact_id');
    t.dropColumn('admin_contact_id');
  });
  await knex.schema.dropTable('contacts');
}
