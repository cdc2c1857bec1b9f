import { type Client, WithStartWorkflowOperation } from '@temporalio/client';
import {
  type DnsChange,
  type DnsChangeResult,
  dnsZoneWorkflowId,
  DomainNameAttr,
  ResellerIdAttr,
} from '../workflows/contracts';
import { dnsChangeUpdate } from '../workflows/messages';
import { dnsZoneLabel, runOptions } from '../workflows/summaries';

/**
 * A bulk item's DNS change through the domain's zone workflow (started when it is not running),
 * as the API applies one: an update whose ID is the item's key, so a retried step is one change.
 * `taskQueue` is the zone workflow's (the job's own, provisioning).
 */
export async function changeZoneForBulkItem(
  temporal: Client,
  zone: { domainId: number; resellerId: number; domain: string; resellerName: string },
  change: DnsChange,
  updateId: string,
  taskQueue: string,
): Promise<DnsChangeResult> {
  const input = { domainId: zone.domainId, resellerId: zone.resellerId, domain: zone.domain };
  const operation = new WithStartWorkflowOperation('dnsZoneWorkflow', {
    workflowId: dnsZoneWorkflowId(zone.domainId),
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    ...runOptions(dnsZoneLabel(input, { id: zone.resellerId, name: zone.resellerName }), [
      { key: ResellerIdAttr, value: String(zone.resellerId) },
      { key: DomainNameAttr, value: zone.domain },
    ]),
  });
  return temporal.workflow.executeUpdateWithStart(dnsChangeUpdate, {
    startWorkflowOperation: operation,
    args: [change],
    updateId,
  });
}
