import { InterceptingCall, type Interceptor, ListenerBuilder } from '@grpc/grpc-js';
import {
  Client,
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  type WorkflowHandle,
} from '@temporalio/client';
import { TimeoutError } from '../timeout';

/** Temporal calls this process has open, by gRPC method (a leaked long poll shows here). */
const inFlight = new Map<string, number>();

export function temporalCallsInFlight(): ReadonlyMap<string, number> {
  return inFlight;
}

const countCalls: Interceptor = (options, nextCall) => {
  const method = options.method_definition.path.split('/').pop() ?? 'unknown';
  return new InterceptingCall(nextCall(options), {
    start(metadata, _listener, next) {
      inFlight.set(method, (inFlight.get(method) ?? 0) + 1);
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
 * `temporalCallsInFlight` (the API's /metrics shows them); Temporal's own retry stays in front.
 */
export function createTemporalClient(address: string, namespace: string): Client {
  return new Client({
    connection: Connection.lazy({
      address,
      interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions()), countCalls],
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
