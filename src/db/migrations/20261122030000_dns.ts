import type { Knex } from 'knex';

/** Local DNS zones (managed per domain, pushed to the registrar) and their records. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('dns_zones', (t) => {
    t.integer('domain_id').primary().references('domains.id').onDelete('CASCADE');
    t.text('status')
      .notNullable()
      .defaultTo('active')
      .checkIn(['active', 'cancelled'], 'dns_zones_status_check');
    // Bumped by every change; the push records which version reached the registrar.
    t.integer('version').notNullable().defaultTo(0);
    t.integer('pushed_version').notNullable().defaultTo(0);
    t.text('push_status').notNullable().defaultTo('idle');
    t.text('push_error');
    t.timestamp('pushed_at', { useTz: true });
    t.integer('next_line').notNullable().defaultTo(1);
    t.timestamps(true, true);
  });
  await knex.schema.createTable('dns_records', (t) => {
    t.increments('id');
    t.integer('domain_id').notNullable().references('dns_zones.domain_id').onDelete('CASCADE');
    // Stable per zone: what GET dns shows as the record's line.
    t.integer('line').notNullable();
    t.text('type')
      .notNullable()
      .checkIn(['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV', 'CAA', 'NS'], 'dns_records_type_check');
    t.text('name').notNullable();
    t.text('value').notNullable();
    t.integer('ttl').notNullable().defaultTo(14400);
    t.integer('priority');
    t.integer('weight');
    t.integer('port');
    t.integer('flags');
    t.text('tag');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['domain_id', 'line']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('dns_records');
  await knex.schema.dropTableIfExists('dns_zones');
}
