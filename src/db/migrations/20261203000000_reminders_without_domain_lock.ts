import type { Knex } from 'knex';

/**
 * domain_reminders.domain_id stops being a foreign key. The check it made took a FOR KEY SHARE
 * lock on every reminded domain's row, rewriting that row's header: the first expiry scan over 1M
 * domains locked 75,000 domain rows, which measured 0.4–0.8 s of its 2 s budget. Domains are never
 * deleted (no code path removes one), so the reference it guarded cannot dangle; the unique
 * (domain_id, threshold_days, expires_at) index that makes each reminder happen once stays.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE domain_reminders DROP CONSTRAINT IF EXISTS domain_reminders_domain_id_foreign');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    `ALTER TABLE domain_reminders ADD CONSTRAINT domain_reminders_domain_id_foreign
       FOREIGN KEY (domain_id) REFERENCES domains(id) ON DELETE CASCADE`,
  );
}
