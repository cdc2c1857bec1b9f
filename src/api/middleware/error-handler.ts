import { status as grpc } from '@grpc/grpc-js';
import { isGrpcServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { google, temporal } from '@temporalio/proto';
import type { Middleware } from 'koa';
import { ZodError } from 'zod';
import type { Logger } from '../../logger';
import type { AppState } from '../http/context';
import { standardFailure } from '../http/envelope';
import { WorkflowAnswerTimeoutError } from '../../timeout';
import { AppError, zodFieldErrors } from '../../services/errors';

import { isDatabaseUnavailable } from '../../db/errors';
import { databaseUnavailable, workflowUnavailable } from '../http/errors';

/**
 * gRPC codes that say "not now, try again": DEADLINE_EXCEEDED, UNAVAILABLE, and what Temporal
 * answers an update (or update-with-start) that a passing state refused: ABORTED (the workflow
 * task that held it failed or timed out, a worker died; the server says to retry) and
 * RESOURCE_EXHAUSTED (too many updates in flight).
 */
const GRPC_GIVE_UP = new Set([
  grpc.DEADLINE_EXCEEDED,
  grpc.UNAVAILABLE,
  grpc.ABORTED,
  grpc.RESOURCE_EXHAUSTED,
]);

const MULTI_OPERATION_FAILURE = 'temporal.api.errordetails.v1.MultiOperationExecutionFailure';
const MULTI_OPERATION_ABORTED = 'temporal.api.failure.v1.MultiOperationExecutionAborted';

/**
 * An update-with-start the server could not execute (FAILED_PRECONDITION with the status of each
 * operation in its details) for a passing reason only: every operation either aborted because of
 * the other, succeeded, or failed with a code from GRPC_GIVE_UP. Seen on temporal-server with
 * several shards while workers were being killed; the same request with the same key succeeds.
 */
export function isTransientMultiOperationFailure(err: unknown): boolean {
  if (!isGrpcServiceError(err) || err.code !== grpc.FAILED_PRECONDITION) return false;
  const raw = err.metadata?.get('grpc-status-details-bin')?.[0];
  if (!raw || typeof raw === 'string') return false;
  let found = false;
  try {
    for (const detail of google.rpc.Status.decode(raw).details ?? []) {
      if (!detail.type_url?.endsWith(MULTI_OPERATION_FAILURE) || !detail.value) continue;
      found = true;
      const { statuses } = temporal.api.errordetails.v1.MultiOperationExecutionFailure.decode(detail.value);
      for (const op of statuses ?? []) {
        if (!op.code || op.details?.[0]?.type_url?.endsWith(MULTI_OPERATION_ABORTED)) continue;
        if (!GRPC_GIVE_UP.has(op.code)) return false;
      }
    }
  } catch {
    return false;
  }
  return found;
}

/**
 * Temporal did not answer an update within WORKFLOW_ANSWER_TIMEOUT_MS, cannot be reached at all,
 * or refused it for a passing reason (see GRPC_GIVE_UP and isTransientMultiOperationFailure),
 * possibly wrapped.
 */
export function isWorkflowEngineTimeout(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth += 1) {
    if (e instanceof WorkflowAnswerTimeoutError || e instanceof WorkflowUpdateRPCTimeoutOrCancelledError)
      return true;
    if (isGrpcServiceError(e) && GRPC_GIVE_UP.has(Number(e.code))) return true;
    if (isTransientMultiOperationFailure(e)) return true;
  }
  return false;
}

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  type?: string;
  message?: string;
}

/** Errors raised by Koa, the body parser or the router that carry a 4xx status. */
function fromHttpError(err: HttpLikeError): AppError | null {
  const status = err.status ?? err.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return null;
  switch (err.type) {
    case 'entity.too.large':
      return new AppError(413, 'payload_too_large', 'The request body is too large.');
    case 'entity.parse.failed':
      return new AppError(400, 'invalid_body', 'The request body is not valid JSON or form data.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError(415, 'unsupported_encoding', 'The request body encoding is not supported.');
    default:
      break;
  }
  if (status === 400 && (err instanceof SyntaxError || 'body' in err)) {
    return new AppError(400, 'invalid_body', 'The request body is not valid JSON or form data.');
  }
  if (status === 405) return new AppError(405, 'method_not_allowed', 'Method not allowed for this endpoint.');
  if (status === 501) return new AppError(405, 'method_not_allowed', 'Method not allowed for this endpoint.');
  if (status === 404) return new AppError(404, 'not_found', 'Not found.');
  return new AppError(status, 'bad_request', 'The request could not be processed.');
}

/**
 * The one error middleware: every failure leaves as the envelope with a stable code; a 500
 * never carries the error's own text or stack, only the request id to quote.
 */
export function errorHandler(log: Logger): Middleware<AppState> {
  return async (ctx, next) => {
    let failure: AppError;
    try {
      await next();
      if (ctx.status !== 404 || ctx.body !== undefined) return;
      failure = new AppError(404, 'not_found', 'Not found.');
    } catch (err) {
      if (err instanceof AppError) failure = err;
      else if (err instanceof ZodError) {
        failure = new AppError(
          422,
          'validation_error',
          'The request could not be validated.',
          zodFieldErrors(err),
        );
      } else if (isDatabaseUnavailable(err)) {
        log.warn({ err, requestId: ctx.state.requestId, path: ctx.path }, 'database unavailable');
        failure = databaseUnavailable();
      } else if (isWorkflowEngineTimeout(err)) {
        log.warn({ err, requestId: ctx.state.requestId, path: ctx.path }, 'workflow engine did not answer');
        failure = workflowUnavailable();
      } else {
        const http = err !== null && typeof err === 'object' ? fromHttpError(err) : null;
        if (http) failure = http;
        else {
          log.error({ err, requestId: ctx.state.requestId, path: ctx.path }, 'unhandled error');
          failure = new AppError(500, 'internal_error', 'Unexpected server error.');
        }
      }
    }
    ctx.state.errorCode = failure.code;
    ctx.status = failure.status;
    for (const [name, value] of Object.entries(failure.headers ?? {})) ctx.set(name, value);
    ctx.body = failureBody(ctx.state, failure);
  };
}

/** The body a failure leaves with, in its surface's envelope (the idempotency store keeps the same bytes). */
export function failureBody(
  state: Pick<AppState, 'renderFailure' | 'requestId'>,
  failure: AppError,
): Record<string, unknown> {
  return (state.renderFailure ?? standardFailure)(failure, state.requestId);
}
