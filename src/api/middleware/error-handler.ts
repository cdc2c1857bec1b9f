import { isGrpcServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import type { Middleware } from 'koa';
import { ZodError } from 'zod';
import type { Logger } from '../../logger';
import type { AppState } from '../context';
import { standardFailure } from '../envelope';
import { WorkflowAnswerTimeoutError } from '../../timeout';
import { AppError, type FieldErrors } from '../../services/errors';
import { workflowUnavailable } from '../errors';

/** Zod issues as seed 003 field errors: `{ "domain_name": ["…"] }`, nested paths dotted. */
export function zodFieldErrors(error: ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    // Request schemas wrap { params, query, body }: callers know fields, not our wrapper.
    const path = ['params', 'query', 'body'].includes(String(issue.path[0]))
      ? issue.path.slice(1)
      : issue.path;
    const field = path.length > 0 ? path.map(String).join('.') : '_';
    (out[field] ??= []).push(issue.message);
  }
  return out;
}

/** gRPC DEADLINE_EXCEEDED and UNAVAILABLE. */
const GRPC_GIVE_UP = new Set([4, 14]);

/**
 * Temporal did not answer an update within WORKFLOW_ANSWER_TIMEOUT_MS, or cannot be reached at
 * all (DEADLINE_EXCEEDED / UNAVAILABLE, possibly wrapped).
 */
export function isWorkflowEngineTimeout(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth += 1) {
    if (e instanceof WorkflowAnswerTimeoutError || e instanceof WorkflowUpdateRPCTimeoutOrCancelledError)
      return true;
    if (isGrpcServiceError(e) && GRPC_GIVE_UP.has(Number(e.code))) return true;
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
