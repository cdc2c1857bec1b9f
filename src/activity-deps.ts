import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type { ActivityDeps } from '../activities';
import { allowPrivateWebhookTargets, type Config } from './config';
import type { Logger } from './logger';
import { createDnsAddon } from './hosted-dns/addon';
import { createGateways } from './payments';
import { createRegistrar } from './registrar';
import type { Registrar } from './registrar/types';
import { SecretBox } from './secrets';
import { createTemporalClient } from './temporal/client';
import { dataConverterOf } from './temporal/data-converter';

/** Everything activities need, from configuration (the worker, tests and benches build it the same way). */
export function buildActivityDeps(
  config: Config,
  db: Knex,
  log: Logger,
  overrides: {
    registrar?: Registrar | undefined;
    invoiceTtlHours?: number | undefined;
    registrarLagMs?: number | undefined;
    dnssecUnsignDelayMs?: number | undefined;
  } = {},
): ActivityDeps {
  let temporal: Client | undefined;
  return {
    db,
    log,
    registrar: overrides.registrar ?? createRegistrar(config),
    secrets: new SecretBox(config.SECRETS_KEY),
    invoiceTtlHours: overrides.invoiceTtlHours ?? config.INVOICE_TTL_HOURS,
    registrarLagMs: overrides.registrarLagMs ?? config.REGISTER_LAG_SECONDS * 1000,
    gateways: createGateways(config),
    dnsAddon: createDnsAddon(config),
    dnssecUnsignDelayMs: overrides.dnssecUnsignDelayMs ?? config.DNSSEC_UNSIGN_DELAY_SECONDS * 1000,
    dnskeyWaitMs: config.DNSSEC_DNSKEY_WAIT_SECONDS * 1000,
    pricing: {
      PREMIUM_NAMES: config.PREMIUM_NAMES,
      PREMIUM_MARGIN_BPS: config.PREMIUM_MARGIN_BPS,
      EXCHANGE_RATE_MAX_AGE_HOURS: config.EXCHANGE_RATE_MAX_AGE_HOURS,
      AUTO_RENEW_PRICE_RISE_BPS: config.AUTO_RENEW_PRICE_RISE_BPS,
    },
    webhooks: {
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      allowPrivateTargets: allowPrivateWebhookTargets(config),
    },
    bulk: {
      config,
      temporal: () =>
        (temporal ??= createTemporalClient(
          config.TEMPORAL_ADDRESS,
          config.TEMPORAL_NAMESPACE,
          dataConverterOf(config),
        )),
    },
  };
}
