import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { DomainFailures } from './contracts';
import { registrarActivities } from './registrar-queue';

const REJECTED = Object.values(DomainFailures);
const UNTIL_ANSWERED = {
  initialInterval: '1 second',
  maximumInterval: '30 seconds',
  nonRetryableErrorTypes: REJECTED,
} as const;

/** Registrar changes (DNS pushes, nameservers, DS): retried until the registrar answers; a refusal is final. */
export const registrarSteps = registrarActivities({
  startToCloseTimeout: '2 minutes',
  retry: UNTIL_ANSWERED,
});

/** Registrar reads: retried until the registrar answers; a refusal is final. */
export const registrarRead = registrarActivities({ startToCloseTimeout: '1 minute', retry: UNTIL_ANSWERED });

/** The hosted DNS addon's server: retried until it answers; a refusal is final. */
export const addonSteps = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: UNTIL_ANSWERED,
});

/**
 * The addon's servers serving a signed zone's keys: asked every few seconds, then every 30 s,
 * until they do; the activity itself gives up after DNSSEC_DNSKEY_WAIT_SECONDS (a refusal).
 */
export const keysServed = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 1.5,
    maximumInterval: '30 seconds',
    nonRetryableErrorTypes: REJECTED,
  },
});

/** Local zone edits: quick, retried until the database answers. */
export const local = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', maximumInterval: '10 seconds' },
});
