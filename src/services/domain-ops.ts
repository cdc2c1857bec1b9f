import type { WorkflowStarter } from '../temporal/queues';
import { createHash } from 'node:crypto';
import { type Client, WithStartWorkflowOperation } from '@temporalio/client';
import type { dnsZoneWorkflow, domainOperationWorkflow } from '../../workflows';
import {
  type DnsChange,
  type DnsChangeResult,
  dnsZoneWorkflowId,
  DomainNameAttr,
  type DomainOperation,
  type DomainOperationInput,
  type DomainOperationResult,
  domainOperationWorkflowId,
  ResellerIdAttr,
} from '../../workflows/contracts';
import { dnsChangeUpdate } from '../../workflows/messages';
import { dnsZoneLabel, domainOperationLabel, runOptions } from '../../workflows/summaries';
import { resultWithin } from '../temporal/client';
import { TimeoutError } from '../timeout';
import { workflowAnswer } from '../temporal/client';
import { notFound } from './errors';

export type OperationOutcome =
  { done: true; workflowId: string; result: DomainOperationResult } | { done: false; workflowId: string };

/**
 * Runs a registrar-touching domain operation as a workflow keyed by the Idempotency-Key, or by
 * the operation itself (so a retried identical request attaches to the same run), and waits up
 * to `waitMs` for its result.
 */
export async function runDomainOperation(
  { temporal, taskQueue }: WorkflowStarter,
  args: {
    resellerId: number;
    domainId: number;
    domain: string;
    operation: DomainOperation;
    idempotencyKey?: string | undefined;
    /** Named in the run's summary in the Temporal UI. */
    resellerName?: string | undefined;
  },
  waitMs: number,
): Promise<OperationOutcome> {
  const natural = `${args.domainId}:${args.operation.op}:${createHash('sha256').update(JSON.stringify(args.operation)).digest('hex').slice(0, 16)}`;
  const workflowId = domainOperationWorkflowId(args.resellerId, args.idempotencyKey ?? natural);
  const input: DomainOperationInput = {
    resellerId: args.resellerId,
    domainId: args.domainId,
    domain: args.domain,
    operation: args.operation,
  };
  const handle = await temporal.workflow
    .start<typeof domainOperationWorkflow>('domainOperationWorkflow', {
      taskQueue,
      workflowId,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: args.idempotencyKey ? 'REJECT_DUPLICATE' : 'ALLOW_DUPLICATE',
      ...runOptions(domainOperationLabel(input, { id: args.resellerId, name: args.resellerName }), [
        { key: ResellerIdAttr, value: String(args.resellerId) },
        { key: DomainNameAttr, value: args.domain },
      ]),
    })
    .catch((err: unknown) => {
      // A closed run under the same Idempotency-Key: its result is the answer.
      if (err instanceof Error && err.name === 'WorkflowExecutionAlreadyStartedError')
        return temporal.workflow.getHandle(workflowId);
      throw err;
    });
  const result = await resultWithin<DomainOperationResult>(temporal, handle, waitMs).catch((err: unknown) => {
    if (err instanceof TimeoutError) return null;
    throw err;
  });
  return result ? { done: true, workflowId, result } : { done: false, workflowId };
}

/** Applies a DNS change through the domain's zone workflow (started when it is not running). */
export async function changeDns(
  { temporal, taskQueue }: WorkflowStarter,
  zone: { domainId: number; resellerId: number; domain: string },
  change: DnsChange,
  /** Temporal dedupes updates by id within the zone workflow's run: a retried request is not applied twice. */
  updateId: string | undefined,
  /** How long to wait for the zone workflow's answer (WORKFLOW_ANSWER_TIMEOUT_MS). */
  answerMs: number,
  resellerName?: string,
): Promise<DnsChangeResult> {
  const operation = new WithStartWorkflowOperation<typeof dnsZoneWorkflow>('dnsZoneWorkflow', {
    workflowId: dnsZoneWorkflowId(zone.domainId),
    taskQueue,
    args: [zone],
    workflowIdConflictPolicy: 'USE_EXISTING',
    ...runOptions(dnsZoneLabel(zone, { id: zone.resellerId, name: resellerName }), [
      { key: ResellerIdAttr, value: String(zone.resellerId) },
      { key: DomainNameAttr, value: zone.domain },
    ]),
  });
  return workflowAnswer(temporal, answerMs, () =>
    temporal.workflow.executeUpdateWithStart(dnsChangeUpdate, {
      startWorkflowOperation: operation,
      args: [change],
      ...(updateId ? { updateId } : {}),
    }),
  );
}

export type OperationStatus =
  | { status: 'processing' | 'failed' }
  | { status: 'completed' }
  | { status: 'failed'; error: { code: string; message: string } };

/** Where one of the reseller's domain operations stands; 404 for an unknown one or another reseller's. */
export async function operationStatus(
  temporal: Client,
  resellerId: number,
  workflowId: string,
): Promise<OperationStatus> {
  const missing = () => notFound('Operation not found.', 'operation_not_found');
  if (!workflowId.startsWith(`${domainOperationWorkflowId(resellerId, '')}`)) throw missing();
  const handle = temporal.workflow.getHandle(workflowId);
  const status = await handle.describe().then(
    (d) => d.status.name,
    () => null,
  );
  if (status === null) throw missing();
  if (status !== 'COMPLETED') return { status: status === 'RUNNING' ? 'processing' : 'failed' };
  const result = (await handle.result()) as DomainOperationResult;
  return result.ok
    ? { status: 'completed' }
    : { status: 'failed', error: { code: result.code, message: result.message } };
}
