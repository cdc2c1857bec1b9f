import { Router } from '@koa/router';
import { z } from 'zod';
import { answers } from '../http/answers';
import { AuditEventJson } from '../../views/account';
import { AdminOrderJson, ReviewQueueJson } from '../../views/admin';
import { DomainJson, presentDomain } from '../../views/domains';
import { Pagination } from '../../views/json';
import type { OrderRow } from '../../db/models';
import { acknowledgeAuditEvent, listAuditEvents } from '../../services/audit';
import { orderState } from '../../services/orders';
import { resolveBillingFailure, reviewQueue } from '../../services/reviews';
import { cancelTransfer } from '../../services/transfers';
import { unprocessable } from '../../services/errors';
import { presentAuditEvent } from '../../views/account';
import type { AppDeps, AppState } from '../http/context';
import { adminActor } from '../http/context';
import { respond } from '../http/envelope';
import { requireAbility } from '../middleware/auth';
import { idempotency } from '../middleware/idempotency';
import { presentOrder } from '../../views/orders';
import { input, validate } from '../http/validate';
import { workflowUrl } from '../../temporal/ui-links';
import { acknowledgeRequest, auditEventsRequest, resolveRequest, reviewQueueRequest } from './reviews.schema';

/** The review queue and its resolutions, and the audit trail. */
export function createAdminReviewsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();
  const read = requireAbility('admin.read');
  const keyed = idempotency(deps.db, { required: false });
  const orderJson = (o: OrderRow) => ({
    ...presentOrder(orderState(o, undefined)),
    reseller_id: o.resellerId,
    workflow_url: workflowUrl(deps.config, o.workflowId),
  });

  router.get(
    '/review',
    answers({ 200: ReviewQueueJson }),
    read,
    validate(reviewQueueRequest),
    async (ctx) => {
      const { query } = input(ctx, reviewQueueRequest);
      const q = await reviewQueue(deps.db, {
        resellerId: query.reseller,
        types: query.types,
        beforeId: query.cursor,
        limit: query.limit,
      });
      respond(ctx, {
        orders: q.orders.map((o) => ({
          ...orderJson(o.order),
          failed_at: o.failedAt.toISOString(),
          error: o.error,
        })),
        events: q.events.map(presentAuditEvent),
        pagination: { limit: query.limit, next_cursor: q.nextBeforeId },
      });
    },
  );

  for (const resolution of ['capture', 'void'] as const) {
    router.post(
      `/review/orders/:order/${resolution}`,
      answers(
        {
          200: z.object({ order: AdminOrderJson, domain: DomainJson.nullable() }),
          202: z.object({ review: z.object({ workflow_id: z.string(), status: z.literal('processing') }) }),
        },
        ['order_not_found', 'not_in_review', 'already_resolved', 'registrar_missing', 'review_failed'],
      ),
      requireAbility('admin.money'),
      validate(resolveRequest),
      keyed,
      async (ctx) => {
        const { params, body } = input(ctx, resolveRequest);
        const outcome = await resolveBillingFailure(
          deps,
          adminActor(ctx),
          params.order,
          { resolution, reason: body.reason },
          deps.config.ORDER_ACCEPT_WAIT_MS,
        );
        if (!outcome.done) {
          respond(
            ctx,
            { review: { workflow_id: outcome.workflowId, status: 'processing' } },
            'Resolution under way.',
            202,
          );
          return;
        }
        if (!outcome.result.ok) throw unprocessable(outcome.result.code, outcome.result.message);
        respond(
          ctx,
          { order: orderJson(outcome.order), domain: outcome.domain ? presentDomain(outcome.domain) : null },
          resolution === 'capture'
            ? 'Captured: the order is completed.'
            : 'Voided: the hold is released and the order failed.',
        );
      },
    );
  }

  router.post(
    '/orders/:order/cancel-transfer',
    answers({ 202: z.object({ order: AdminOrderJson }) }, ['order_not_found', 'transfer_not_in_progress']),
    requireAbility('admin.money'),
    validate(resolveRequest),
    async (ctx) => {
      const { params, body } = input(ctx, resolveRequest);
      const order = await cancelTransfer(deps, { operator: true }, params.order, {
        by: adminActor(ctx),
        reason: body.reason,
      });
      const row = (await deps.db('orders').where({ publicId: order.publicId }).first()) as OrderRow;
      respond(
        ctx,
        { order: orderJson(row) },
        'Cancelling the transfer: the registrar is asked once and the held funds are released.',
        202,
      );
    },
  );

  router.post(
    '/review/events/:event/acknowledge',
    answers({ 200: z.object({ event: AuditEventJson }) }, ['audit_event_not_found']),
    requireAbility('admin.write'),
    validate(acknowledgeRequest),
    keyed,
    async (ctx) => {
      const { params, body } = input(ctx, acknowledgeRequest);
      const event = await acknowledgeAuditEvent(deps.db, adminActor(ctx), params.event, body.note);
      respond(ctx, { event: presentAuditEvent(event) }, 'Acknowledged.');
    },
  );

  router.get(
    '/audit-events',
    answers({ 200: z.object({ events: z.array(AuditEventJson), pagination: Pagination }) }),
    read,
    validate(auditEventsRequest),
    async (ctx) => {
      const { query } = input(ctx, auditEventsRequest);
      const page = await listAuditEvents(deps.db, {
        resellerId: query.reseller,
        types: query.type,
        since: query.since,
        until: query.until,
        beforeId: query.cursor,
        limit: query.limit,
      });
      respond(ctx, {
        events: page.items.map(presentAuditEvent),
        pagination: { limit: query.limit, next_cursor: page.nextBeforeId },
      });
    },
  );

  return router;
}
