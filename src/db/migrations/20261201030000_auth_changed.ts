import type { Knex } from 'knex';

/**
 * Every change to who may call the API (a credential revoked, expired, re-scoped or
 * re-whitelisted; a reseller suspended, re-priced or re-whitelisted; an admin disabled) is
 * announced on the `auth_changed` channel when it commits, from whatever made it (API, CLI,
 * portal or plain SQL), so every API process drops the credentials it holds in memory. Touching
 * `last_used_at` alone announces nothing.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE FUNCTION notify_auth_changed() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'api_credentials'
         AND (to_jsonb(OLD) - 'last_used_at') = (to_jsonb(NEW) - 'last_used_at') THEN
        RETURN NULL;
      END IF;
      PERFORM pg_notify('auth_changed', TG_TABLE_NAME || ':' || OLD.id);
      RETURN NULL;
    END $$ LANGUAGE plpgsql`);
  for (const table of ['api_credentials', 'resellers', 'admins'])
    await knex.raw(
      `CREATE TRIGGER ${table}_auth_changed AFTER UPDATE OR DELETE ON ${table}
         FOR EACH ROW EXECUTE FUNCTION notify_auth_changed()`,
    );
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['api_credentials', 'resellers', 'admins'])
    await knex.raw(`DROP TRIGGER IF EXISTS ${table}_auth_changed ON ${table}`);
  await knex.raw('DROP FUNCTION IF EXISTS notify_auth_changed()');
}
