import type { Knex } from 'knex';

/**
 * The registrar's contact IDs a reseller's orders created, by the contacts' fingerprint: the next
 * order with the same registrant and admin refers to them instead of creating them again (one
 * `create_contact` per distinct contact, not per order). Contacts at Dynadot are never edited in
 * place (a contact change creates new ones), so sharing an ID between domains is safe.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('registrar_contacts', (t) => {
    t.bigIncrements('id');
    t.integer('reseller_id').notNullable().references('resellers.id').onDelete('CASCADE');
    /** sha256 (hex) of the registrant and admin as the order sent them, keys sorted. */
    t.text('fingerprint').notNullable();
    t.jsonb('contact_ids').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['reseller_id', 'fingerprint']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('registrar_contacts');
}
