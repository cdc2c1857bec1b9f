import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type { Logger } from '../src/logger';
import type { Config } from '../src/config';
import type { Registrar } from '../src/registrar/types';
import type { SecretBox } from '../src/secrets';
import type { Gateways } from '../src/payments';
import type { HostedDnsAddon } from '../src/hosted-dns/addon';
import { createBulkActivities } from './bulk';
import { createContactActivities } from './contacts';
import { createDataExportActivities } from './data-exports';
import { createDnsActivities } from './dns';
import { createHostedDnsActivities } from './dns-hosted';
import { createDnsUndoActivities } from './dns-undo';
import { createDomainActivities } from './domains';
import { createOrderEndingActivities } from './order-endings';
import { createOrderInvoiceActivities } from './order-invoices';
import { createOrderActivities } from './orders';
import { createPaymentActivities } from './payments';
import { createProvisioningActivities } from './provisioning';
import { createAutoRenewalActivities, createReminderActivities } from './reminders';
import { createRegistrarSyncActivities } from './registrar-sync';
import { createRetentionActivities } from './retention';
import { createReviewActivities } from './reviews';
import { createTransferActivities } from './transfers';
import { createWebhookActivities } from './webhooks';

export interface ActivityDeps {
  db: Knex;
  log: Logger;
  registrar: Registrar;
  secrets: SecretBox;
  invoiceTtlHours: number;
  /** How long after a registration the registrar may not show it (a lost answer is settled within it). */
  registrarLagMs: number;
  gateways: Gateways;
  webhooks: { timeoutMs: number; allowPrivateTargets: boolean };
  /** The hosted DNS addon, or null where none is configured. */
  dnsAddon: HostedDnsAddon | null;
  /** How long a zone stays signed after its DS left the registrar (DNSSEC_UNSIGN_DELAY_SECONDS). */
  dnssecUnsignDelayMs: number;
  /** How long a signed zone's keys may take to be served before DNSSEC on gives up (DNSSEC_DNSKEY_WAIT_SECONDS). */
  dnskeyWaitMs: number;
  /** What renewal pricing needs (premium policy, exchange rates, the auto-renewal price rise allowed). */
  pricing: Pick<
    Config,
    'PREMIUM_NAMES' | 'PREMIUM_MARGIN_BPS' | 'EXCHANGE_RATE_MAX_AGE_HOURS' | 'AUTO_RENEW_PRICE_RISE_BPS'
  >;
  /** What a bulk job's items need: an order's settings, and a client for the steps that ask a workflow (DNS). */
  bulk: {
    config: Pick<Config, 'TRANSFER_POLL_SECONDS' | 'TRANSFER_DEADLINE_HOURS'>;
    /** Made on first use (the worker's own connection is for polling). */
    temporal: () => Client;
  };
}

/** Activities are built over injected dependencies; only main-worker.ts (or a test) builds those. */
export function createActivities(deps: ActivityDeps) {
  return {
    async checkDatabase(): Promise<string> {
      const result = await deps.db.raw<{ rows: Array<{ now: Date }> }>('SELECT now() AS now');
      const now = result.rows[0]?.now;
      if (!now) throw new Error('database returned no time');
      return new Date(now).toISOString();
    },
    ...createOrderActivities(deps),
    ...createOrderInvoiceActivities(deps),
    ...createOrderEndingActivities(deps),
    ...createProvisioningActivities(deps),
    ...createTransferActivities(deps),
    ...createPaymentActivities(deps),
    ...createDomainActivities(deps),
    ...createContactActivities(deps),
    ...createRegistrarSyncActivities(deps),
    ...createDnsActivities(deps),
    ...createHostedDnsActivities(deps),
    ...createDnsUndoActivities(deps),
    ...createWebhookActivities(deps),
    ...createReminderActivities(deps),
    ...createAutoRenewalActivities(deps),
    ...createReviewActivities(deps),
    ...createRetentionActivities(deps),
    ...createDataExportActivities(deps),
    ...createBulkActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
