import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { type ContactPushInput, type ContactPushTotals, registrarTaskQueue } from './contracts';
import { followUpAtRegistrar } from './domain-reconcile';

/** Domains read per page, and pushed per run before it continues as new (its history stays bounded). */
const PAGE = 100;
const PER_RUN = 400;

const records = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/**
 * An edited contact handle pushed to every domain using it: one domain at a time, each step's
 * registrar calls paced by the account's limits (the registrar client's limiter, shared by every
 * process), each domain followed at the registrar until it shows the change; then the handle's
 * earlier registrar contacts that no domain names any more are deleted there. Idempotent per
 * domain (a domain already holding the handle's current contact is skipped), so an overlapping
 * push of a later edit, or a retried step, sends nothing twice.
 */
export async function contactPushWorkflow(input: ContactPushInput): Promise<ContactPushTotals> {
  const registrar = proxyActivities<Activities>({
    startToCloseTimeout: '2 minutes',
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
    taskQueue: registrarTaskQueue(workflowInfo().taskQueue),
  });
  const totals: ContactPushTotals = {
    ...(input.done ?? { pushed: 0, unchanged: 0, refused: 0, retired: 0 }),
  };
  let after = input.afterDomainId ?? 0;
  let inRun = 0;
  for (;;) {
    const page = await records.domainsUsingContact(input.contactId, after, PAGE);
    if (page.length === 0) break;
    for (const domain of page) {
      const outcome = await registrar.pushContactsToDomain.executeWithOptions(
        { summary: `Whois of ${domain.name} to contact ${input.publicId}` },
        [domain.id],
      );
      totals[outcome] += 1;
      if (outcome === 'pushed')
        await followUpAtRegistrar({
          domainId: domain.id,
          domain: domain.name,
          resellerId: domain.resellerId,
        });
      after = domain.id;
      inRun += 1;
    }
    if (inRun >= PER_RUN)
      await continueAsNew<typeof contactPushWorkflow>({ ...input, afterDomainId: after, done: totals });
  }
  totals.retired += await registrar.retireRegistrarContacts(input.contactId);
  return totals;
}
