import type { Knex } from 'knex';

/**
 * Browser sign-in for resellers and admins: a password (scrypt) on each account, server-side
 * sessions (only a hash of the cookie's token is stored), and one-time sign-in links.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('resellers', (t) => t.text('password_hash'));
  await knex.schema.alterTable('admins', (t) => t.text('password_hash'));
  await knex.schema.createTable('sessions', (t) => {
    // SHA-256 of the cookie's random token: a leaked table holds no usable session.
    t.specificType('id_hash', 'char(64)').primary();
    t.text('kind').notNullable().checkIn(['reseller', 'admin'], 'sessions_kind_check');
    t.integer('subject_id').notNullable();
    // Sent in every form; compared in constant time on every POST.
    t.text('csrf_token').notNullable();
    // One message shown on the next page (then cleared).
    t.text('flash');
    t.text('ip');
    t.text('user_agent');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_seen_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.index(['kind', 'subject_id']);
    t.index(['expires_at']);
  });
  await knex.schema.createTable('sign_in_links', (t) => {
    t.specificType('token_hash', 'char(64)').primary();
    t.text('kind').notNullable().checkIn(['reseller', 'admin'], 'sign_in_links_kind_check');
    t.integer('subject_id').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('sign_in_links');
  await knex.schema.dropTableIfExists('sessions');
  await knex.schema.alterTable('admins', (t) => t.dropColumn('password_hash'));
  await knex.schema.alterTable('resellers', (t) => t.dropColumn('password_hash'));
}
