import { Router } from '@koa/router';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { currencyScale, parseDecimalToMinor } from '../../money';
import type { InvoiceRecord } from '../../services/orders';
import type { topupWorkflow } from '../../../workflows';
import { ResellerIdAttr, TASK_QUEUE, topupWorkflowId } from '../../../workflows/contracts';
import { acceptanceUpdate } from '../../../workflows/messages';
import type { AppDeps, AppState } from '../context';
import { requireAuth } from '../context';
import { respond } from '../envelope';
import { validationFailed } from '../errors';
import { requireAbility } from '../middleware/auth';
import { idempotency } from '../middleware/idempotency';
import { presentInvoice } from '../orders.presenter';
import { input, validate } from '../validate';
import { workflowAnswer } from '../../timeout';
import { newPublicId } from '../../utils/public-ids';
import { topupRequest } from './wallet.schema';

/** Wallet top-ups through the payment gateways (credited once, when the gateway says paid). */
export function createWalletRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();

  router.post(
    '/wallet/topups',
    requireAbility('orders.write'),
    validate(topupRequest),
    idempotency(deps.db, { required: true }),
    async (ctx) => {
      const { body } = input(ctx, topupRequest);
      const { reseller } = requireAuth(ctx);
      const currency = reseller.currency.trim();
      let amount: bigint;
      try {
        amount = parseDecimalToMinor(body.amount, currency);
      } catch {
        throw validationFailed({
          amount: [`Send the amount as a decimal with at most ${currencyScale(currency)} decimals.`],
        });
      }
      if (amount <= 0n) throw validationFailed({ amount: ['The amount must be positive.'] });
      const operation = new WithStartWorkflowOperation<typeof topupWorkflow>('topupWorkflow', {
        workflowId: topupWorkflowId(reseller.id, ctx.state.idempotencyKey!),
        taskQueue: TASK_QUEUE,
        args: [
          {
            invoicePublicId: newPublicId('inv'),
            resellerId: reseller.id,
            amountMinor: amount.toString(),
            currency,
            gateway: body.gateway ?? null,
          },
        ],
        workflowIdConflictPolicy: 'USE_EXISTING',
        typedSearchAttributes: [{ key: ResellerIdAttr, value: String(reseller.id) }],
      });
      const answerMs = deps.config.WORKFLOW_ANSWER_TIMEOUT_MS;
      const acceptance = await workflowAnswer(
        deps.temporal.workflow.executeUpdateWithStart(acceptanceUpdate, {
          startWorkflowOperation: operation,
        }),
        answerMs,
      );
      const publicId = acceptance.accepted ? acceptance.publicId : '';
      const invoice = (await deps
        .db('invoices')
        .where({ publicId, resellerId: reseller.id })
        .first()) as InvoiceRecord;
      respond(ctx, { topup: presentInvoice(invoice) }, 'Top-up invoice created; pay it at payment_url.', 201);
    },
  );

  return router;
}
