import type { RouterMiddleware } from '@koa/router';
import type { z } from 'zod';
import { runDomainOperation } from '../../services/domain-ops';
import { ownedDomain } from '../../services/domains';
import { unprocessable } from '../../services/errors';
import { queueFor } from '../../temporal/queues';
import type { DomainOperation } from '../../../workflows/contracts';
import { type AppContext, type AppDeps, type AppState, requireAuth } from '../http/context';
import { respond } from '../http/envelope';
import { input } from '../http/validate';
import { domainRequest } from './manage.schema';

/** The reseller's domain named in the path, and running a registrar-touching operation on it as a workflow. */
export function domainOperations(deps: AppDeps) {
  const domainOf = async (ctx: AppContext) =>
    ownedDomain(deps.db, requireAuth(ctx).reseller.id, input(ctx, domainRequest).params.domain);

  /** Runs an operation workflow; 200 with the result, 202 + Location while it is still retrying. */
  const operate = <S extends z.ZodType<{ params: { domain: string } }>>(
    schema: S,
    build: (input: z.infer<S>, ctx: AppContext) => DomainOperation | Promise<DomainOperation>,
    message: string,
    present: (data: Record<string, unknown>) => Record<string, unknown> = (d) => d,
  ): RouterMiddleware<AppState> => {
    return async (ctx) => {
      const parsed = input(ctx, schema);
      const domain = await domainOf(ctx);
      const operation = await build(parsed, ctx);
      const outcome = await runDomainOperation(
        { temporal: deps.temporal, taskQueue: queueFor(deps.config, 'domainOperationWorkflow') },
        {
          resellerId: domain.resellerId,
          domainId: domain.id,
          domain: domain.name,
          operation,
          idempotencyKey: ctx.state.idempotencyKey,
          resellerName: ctx.state.auth?.reseller.name,
        },
        deps.config.ORDER_ACCEPT_WAIT_MS,
      );
      if (!outcome.done) {
        ctx.set('Location', `/api/v1/operations/${encodeURIComponent(outcome.workflowId)}`);
        respond(
          ctx,
          { operation: { id: outcome.workflowId, status: 'processing' } },
          'Accepted; the registrar is being retried.',
          202,
        );
        return;
      }
      if (!outcome.result.ok) throw unprocessable(outcome.result.code, outcome.result.message);
      respond(ctx, present(outcome.result.data), message);
    };
  };

  return { domainOf, operate };
}
