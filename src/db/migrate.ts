import type { Knex } from 'knex';
import * as createCoreTables from './migrations/20261122000000_create_core_tables';
import * as ordersCore from './migrations/20261122010000_orders_core';
import * as payments from './migrations/20261122020000_payments';
import * as dns from './migrations/20261122030000_dns';
import * as webhooksReminders from './migrations/20261122040000_webhooks_reminders';
import * as domainsExpiryKeyset from './migrations/20261122050000_domains_expiry_keyset';
import * as webhookSweepEventSequence from './migrations/20261123000000_webhook_sweep_event_sequence';
import * as resellerApiWhitelist from './migrations/20261123010000_reseller_api_whitelist';
import * as idempotencyResponseText from './migrations/20261123020000_idempotency_response_text';
import * as operations from './migrations/20261201000000_operations';
import * as portalSessions from './migrations/20261201010000_portal_sessions';
import * as orderRegistrarContacts from './migrations/20261201020000_order_registrar_contacts';
import * as authChanged from './migrations/20261201030000_auth_changed';
import * as remindersWithoutDomainLock from './migrations/20261203000000_reminders_without_domain_lock';
import * as registrarCurrencyAndTransfers from './migrations/20261204000000_registrar_currency_and_transfers';
import * as hostedDns from './migrations/20261204100000_hosted_dns';
import * as webhookLanes from './migrations/20261205000000_webhook_lanes';
import * as figuresIndexes from './migrations/20261206000000_figures_indexes';
import * as dnsChangeUndo from './migrations/20261207000000_dns_change_undo';
import * as registrarSync from './migrations/20261208000000_registrar_sync';
import * as renewalPrices from './migrations/20261209000000_renewal_prices';
import * as glueHosts from './migrations/20261209010000_glue_hosts';
import * as dnssecUnsigning from './migrations/20261209020000_dnssec_unsigning';
import * as registrarContacts from './migrations/20261210000000_registrar_contacts';
import * as contactHandles from './migrations/20261211000000_contact_handles';
import * as dataExports from './migrations/20261212000000_data_exports';
import * as bulkJobs from './migrations/20261213000000_bulk_jobs';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/**
 * Migrations are imported modules, listed here in order, so they run the same from tsx, the
 * compiled build and tests, without the knex CLI or file-system discovery.
 */
const migrations: Array<[name: string, migration: Migration]> = [
  ['20261122000000_create_core_tables', createCoreTables],
  ['20261122010000_orders_core', ordersCore],
  ['20261122020000_payments', payments],
  ['20261122030000_dns', dns],
  ['20261122040000_webhooks_reminders', webhooksReminders],
  ['20261122050000_domains_expiry_keyset', domainsExpiryKeyset],
  ['20261123000000_webhook_sweep_event_sequence', webhookSweepEventSequence],
  ['20261123010000_reseller_api_whitelist', resellerApiWhitelist],
  ['20261123020000_idempotency_response_text', idempotencyResponseText],
  ['20261201000000_operations', operations],
  ['20261201010000_portal_sessions', portalSessions],
  ['20261201020000_order_registrar_contacts', orderRegistrarContacts],
  ['20261201030000_auth_changed', authChanged],
  ['20261203000000_reminders_without_domain_lock', remindersWithoutDomainLock],
  ['20261204000000_registrar_currency_and_transfers', registrarCurrencyAndTransfers],
  ['20261204100000_hosted_dns', hostedDns],
  ['20261205000000_webhook_lanes', webhookLanes],
  ['20261206000000_figures_indexes', figuresIndexes],
  ['20261207000000_dns_change_undo', dnsChangeUndo],
  ['20261208000000_registrar_sync', registrarSync],
  ['20261209000000_renewal_prices', renewalPrices],
  ['20261209010000_glue_hosts', glueHosts],
  ['20261209020000_dnssec_unsigning', dnssecUnsigning],
  ['20261210000000_registrar_contacts', registrarContacts],
  ['20261211000000_contact_handles', contactHandles],
  ['20261212000000_data_exports', dataExports],
  ['20261213000000_bulk_jobs', bulkJobs],
];

const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: () => Promise.resolve(migrations.map(([name]) => name)),
  getMigrationName: (name) => name,
  getMigration: (name) => {
    const found = migrations.find(([n]) => n === name);
    if (!found) throw new Error(`unknown migration ${name}`);
    return Promise.resolve(found[1]);
  },
};

const options: Knex.MigratorConfig = { migrationSource, tableName: 'knex_migrations' };

export async function migrateLatest(knex: Knex): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest(options)) as [number, string[]];
  return applied;
}

export async function migrateRollback(knex: Knex): Promise<string[]> {
  const [, rolledBack] = (await knex.migrate.rollback(options)) as [number, string[]];
  return rolledBack;
}

/** Names of migrations that exist in code but are not applied to the database. */
export async function pendingMigrations(knex: Knex): Promise<string[]> {
  const [, pending] = (await knex.migrate.list(options)) as [unknown[], Array<{ file: string } | string>];
  return pending.map((p) => (typeof p === 'string' ? p : p.file));
}
