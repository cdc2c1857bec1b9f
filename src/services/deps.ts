import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { HostedDnsAddon } from '../hosted-dns/addon';
import type { Gateways } from '../payments';
import type { Registrar } from '../registrar/types';
import type { SecretBox } from '../secrets';

/**
 * What the core's services work with, built once by an entry point (main-api.ts, the CLI, a test)
 * and passed in. Services read through `db` and `registrar` and change state only by starting or
 * signalling workflows through `temporal`.
 */
export interface CoreDeps {
  config: Config;
  db: Knex;
  temporal: Client;
  log: Logger;
  /** For reads only (availability, prices, what the registrar holds); mutations go through workflows. */
  registrar: Registrar;
  secrets: SecretBox;
  gateways: Gateways;
  /** The hosted DNS addon (reads of what it serves), or null where none is configured. */
  dnsAddon: HostedDnsAddon | null;
}
