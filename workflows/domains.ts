import { patched } from '@temporalio/workflow';
import { DomainFailures, type DomainOperationInput, type DomainOperationResult } from './contracts';
import { followUpAtRegistrar } from './domain-reconcile';
import { rejection } from './failures';
import { registrarActivities } from './registrar-queue';

const REJECTED = Object.values(DomainFailures);
const CHANGES = new Set(['set_nameservers', 'set_contacts', 'set_lock', 'set_privacy']);

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
    const data = await registrar().applyDomainOperation(input);
    // A change the registrar may not show yet: followed until it does (runs from before: none).
    if (CHANGES.has(input.operation.op) && patched('registrar-follow-up'))
      await followUpAtRegistrar({
        domainId: input.domainId,
        domain: input.domain,
        resellerId: input.resellerId,
      });
    return { ok: true, data };
  } catch (err) {
    const rejected = rejection(err);
    if (rejected) return { ok: false, ...rejected };
    throw err;
  }
}
