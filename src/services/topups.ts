import { queueFor } from '../temporal/queues';
import { WithStartWorkflowOperation } from '@temporalio/client';
import type { Reseller } from '../db/models';
import { workflowAnswer } from '../temporal/client';
import { newPublicId } from '../utils/public-ids';
import type { topupWorkflow } from '../../workflows';
import {
  type GatewayChoice,
  type InvoiceView,
  type TopupInput,
  ResellerIdAttr,
  topupWorkflowId,
} from '../../workflows/contracts';
import { acceptanceUpdate } from '../../workflows/messages';
import { runOptions, topupLabel } from '../../workflows/summaries';
import { amountField } from './amounts';
import type { CoreDeps } from './deps';
import { unprocessable, validationFailed } from './errors';

/**
 * Starts a wallet top-up under the request's Idempotency-Key: an invoice with a gateway payment,
 * credited once when the gateway says paid. Answers the invoice as the top-up's workflow issued it.
 */
export async function startTopup(
  deps: Pick<CoreDeps, 'temporal' | 'config'>,
  reseller: Pick<Reseller, 'id' | 'currency' | 'name'>,
  req: { amount: string; gateway?: GatewayChoice | undefined; idempotencyKey: string },
): Promise<InvoiceView> {
  const currency = reseller.currency.trim();
  const amount = amountField(req.amount, currency, 'amount');
  if (amount <= 0n) throw validationFailed({ amount: ['The amount must be positive.'] });
  const input: TopupInput = {
    invoicePublicId: newPublicId('inv'),
    resellerId: reseller.id,
    amountMinor: amount.toString(),
    currency,
    gateway: req.gateway ?? null,
  };
  const operation = new WithStartWorkflowOperation<typeof topupWorkflow>('topupWorkflow', {
    workflowId: topupWorkflowId(reseller.id, req.idempotencyKey),
    taskQueue: queueFor(deps.config, 'topupWorkflow'),
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    ...runOptions(topupLabel(input, reseller), [{ key: ResellerIdAttr, value: String(reseller.id) }]),
  });
  const acceptance = await workflowAnswer(deps.temporal, deps.config.WORKFLOW_ANSWER_TIMEOUT_MS, () =>
    deps.temporal.workflow.executeUpdateWithStart(acceptanceUpdate, { startWorkflowOperation: operation }),
  );
  if (!acceptance.accepted || !acceptance.invoice)
    throw unprocessable(
      acceptance.accepted ? 'topup_failed' : acceptance.code,
      acceptance.accepted ? 'The top-up could not be created.' : acceptance.message,
    );
  return acceptance.invoice;
}
