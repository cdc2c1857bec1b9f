import type { Knex } from 'knex';

/**
 * The API whitelist belongs to the reseller (seed 003's API Access page), not to one key: it
 * holds for every credential on /api/v1 and the legacy API. Filled from the reseller's live API
 * keys; a reseller with one key keeps no separate list on it (nothing to narrow).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('resellers', (t) => {
    t.specificType('api_ip_allowlist', 'text[]').notNullable().defaultTo('{}');
  });
  await knex.raw(`
    UPDATE resellers r SET api_ip_allowlist = coalesce((
      SELECT array_agg(DISTINCT entry ORDER BY entry)
        FROM api_credentials c, unnest(c.ip_allowlist) AS entry
       WHERE c.reseller_id = r.id AND c.kind = 'api_key' AND c.revoked_at IS NULL), '{}')`);
  await knex.raw(`
    UPDATE api_credentials c SET ip_allowlist = '{}'
     WHERE c.kind = 'api_key' AND c.revoked_at IS NULL
       AND (SELECT count(*) FROM api_credentials o
             WHERE o.reseller_id = c.reseller_id AND o.kind = 'api_key' AND o.revoked_at IS NULL) = 1`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    UPDATE api_credentials c SET ip_allowlist = r.api_ip_allowlist
      FROM resellers r
     WHERE r.id = c.reseller_id AND c.kind = 'api_key' AND c.ip_allowlist = '{}'`);
  await knex.schema.alterTable('resellers', (t) => t.dropColumn('api_ip_allowlist'));
}
