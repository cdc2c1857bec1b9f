import { InterceptingCall, type Interceptor, ListenerBuilder } from '@grpc/grpc-js';
import {
  Client,
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  type WorkflowHandle,
} from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { TimeoutError, withTimeout, WorkflowAnswerTimeoutError } from '../timeout';

/** Temporal calls this process has open, by gRPC method (a leaked long poll shows here). */
const inFlight = new Map<string, number>();

export function temporalCallsInFlight(): ReadonlyMap<string, number> {
  return inFlight;
}

/** Temporal calls this process has made, by gRPC method (the cost budgets read it). */
const made = new Map<string, number>();

export function temporalCallsMade(): ReadonlyMap<string, number> {
  return made;
}

const countCalls: Interceptor = (options, nextCall) => {
  const method = options.method_definition.path.split('/').pop() ?? 'unknown';
  return new InterceptingCall(nextCall(options), {
    start(metadata, _listener, next) {
      inFlight.set(method, (inFlight.get(method) ?? 0) + 1);
      made.set(method, (made.get(method) ?? 0) + 1);
      let open = true;
      next(
        metadata,
        new ListenerBuilder()
          .withOnReceiveStatus((status, nextStatus) => {
            if (open) inFlight.set(method, (inFlight.get(method) ?? 1) - 1);
            open = false;
            nextStatus(status);
          })
          .build(),
      );
    },
  });
};

/**
 * A client whose connection is made on first use, so the API starts (and /readyz can say
 * "temporal unavailable") while Temporal is still coming up. Its calls are counted in
 * `temporalCallsInFlight` (the API's /metrics shows them) from the first attempt to the last of
 * Temporal's own retries, so a call retrying against an unreachable server shows there too.
 * Payloads go through `dataConverter` (data-converter.ts: encrypted).
 */
export function createTemporalClient(
  address: string,
  namespace: string,
  dataConverter: DataConverter,
): Client {
  return new Client({
    dataConverter,
    connection: Connection.lazy({
      address,
      interceptors: [countCalls, makeGrpcRetryInterceptor(defaultGrpcRetryOptions())],
    }),
    namespace,
  });
}

/**
 * The workflow's result if it closes within `ms`, else a TimeoutError. Unlike racing
 * `handle.result()` against a timer, the long poll behind it is cancelled when the time is up, so
 * an answered request leaves nothing polling Temporal until the workflow closes.
 */
export async function resultWithin<T>(temporal: Client, handle: WorkflowHandle, ms: number): Promise<T> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), ms);
  try {
    return (await temporal.withAbortSignal(stop.signal, () => handle.result())) as T;
  } catch (err) {
    if (stop.signal.aborted) throw new TimeoutError(ms);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What `call` (an update, a signal, a start: calls to Temporal) answers within `ms`, or a
 * WorkflowAnswerTimeoutError. The calls carry that deadline, so once the time is up none of them
 * is left retrying against an engine that does not answer (and none lands after the caller was
 * told 503).
 */
export function workflowAnswer<T>(temporal: Client, ms: number, call: () => Promise<T>): Promise<T> {
  return withTimeout(
    temporal.withDeadline(Date.now() + ms, call),
    ms,
    () => new WorkflowAnswerTimeoutError(ms),
  );
}
