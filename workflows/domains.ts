import { DomainFailures, type DomainOperationInput, type DomainOperationResult } from './contracts';
import { rejection } from './failures';
import { registrarActivities } from './registrar-queue';

const REJECTED = Object.values(DomainFailures);

const registrar = registrarActivities({
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '30 seconds',
    maximumAttempts: 10,
    nonRetryableErrorTypes: REJECTED,
  },
});

/** One registrar-touching change to a domain (nameservers, contacts, lock, privacy, EPP, sync), retried durably. */
export async function domainOperationWorkflow(input: DomainOperationInput): Promise<DomainOperationResult> {
  try {
    return { ok: true, data: await registrar().applyDomainOperation(input) };
  } catch (err) {
    const rejected = rejection(err);
    if (rejected) return { ok: false, ...rejected };
    throw err;
  }
}
