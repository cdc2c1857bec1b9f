import type { Knex } from 'knex';

/**
 * A domain's renewal price is its own: a premium name renews at the registrar's premium price
 * (never the catalog's), and an auto-renewal that would cost much more than the reseller last
 * paid waits for them instead. A domain knows whether it is premium, what the reseller last paid
 * for a year of it (`last_paid_minor` in `last_paid_currency`), and the auto-renewal it holds
 * back (`renewal_held`: the price asked, the price before, since when), shown until it renews.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('domains', (t) => {
    t.boolean('premium').notNullable().defaultTo(false);
    t.bigInteger('last_paid_minor');
    t.specificType('last_paid_currency', 'char(3)');
    t.jsonb('renewal_held');
  });
  await knex.raw(`
    UPDATE domains d SET premium = true
    FROM orders o
    WHERE o.domain_id = d.id AND o.action = 'register' AND o.premium AND o.status = 'completed'`);
  await knex.raw(`
    UPDATE domains d SET last_paid_minor = o.amount_minor / greatest(o.years, 1), last_paid_currency = o.currency
    FROM (
      SELECT DISTINCT ON (domain_id) domain_id, amount_minor, years, currency
      FROM orders WHERE status = 'completed' AND domain_id IS NOT NULL
      ORDER BY domain_id, completed_at DESC
    ) o
    WHERE o.domain_id = d.id`);
  // The hold's event is about the domain: delivered in order with its other events.
  await knex.raw(`
    CREATE OR REPLACE FUNCTION webhook_subject(type text, payload jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
      SELECT CASE
        WHEN type LIKE 'domain.order.%' THEN 'order:' || (payload->>'order_id')
        WHEN type = 'invoice.paid' AND payload->>'order_id' IS NOT NULL THEN 'order:' || (payload->>'order_id')
        WHEN type = 'invoice.paid' THEN 'invoice:' || (payload->>'invoice_id')
        WHEN type IN ('domain.expiring', 'domain.renewal_price_changed') THEN 'domain:' || (payload->>'domain_name')
      END
    $$`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE OR REPLACE FUNCTION webhook_subject(type text, payload jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
      SELECT CASE
        WHEN type LIKE 'domain.order.%' THEN 'order:' || (payload->>'order_id')
        WHEN type = 'invoice.paid' AND payload->>'order_id' IS NOT NULL THEN 'order:' || (payload->>'order_id')
        WHEN type = 'invoice.paid' THEN 'invoice:' || (payload->>'invoice_id')
        WHEN type = 'domain.expiring' THEN 'domain:' || (payload->>'domain_name')
      END
    $$`);
  await knex.schema.alterTable('domains', (t) => {
    t.dropColumns('premium', 'last_paid_minor', 'last_paid_currency', 'renewal_held');
  });
}
