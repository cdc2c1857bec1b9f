import type { Handler } from '../state';
import { DNS_COMMANDS } from './dns';
import { DOMAINS_COMMANDS } from './domains';
import { HOSTS_COMMANDS } from './hosts';
import { ORDERS_COMMANDS } from './orders';
import { PRICING_COMMANDS } from './pricing';

/** Every api3 command the simulator answers, one handler each. */
export const COMMANDS: Readonly<Record<string, Handler>> = {
  ...PRICING_COMMANDS,
  ...ORDERS_COMMANDS,
  ...DOMAINS_COMMANDS,
  ...DNS_COMMANDS,
  ...HOSTS_COMMANDS,
};
