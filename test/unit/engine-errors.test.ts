import { Metadata, status as grpc } from '@grpc/grpc-js';
import { google, temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import {
  isTransientMultiOperationFailure,
  isWorkflowEngineTimeout,
} from '../../src/api/middleware/error-handler';

const ABORTED_OP = {
  code: grpc.ABORTED,
  message: 'Operation was aborted.',
  details: [{ type_url: 'type.googleapis.com/temporal.api.failure.v1.MultiOperationExecutionAborted' }],
};

/** A gRPC error as the Temporal frontend answers an update-with-start it could not execute. */
function multiOperationError(statuses: Array<{ code: number; message: string; details?: object[] }>) {
  const failure = temporal.api.errordetails.v1.MultiOperationExecutionFailure.encode({ statuses }).finish();
  const status = google.rpc.Status.encode({
    code: grpc.FAILED_PRECONDITION,
    message: 'Update-with-Start could not be executed.',
    details: [
      {
        type_url: 'type.googleapis.com/temporal.api.errordetails.v1.MultiOperationExecutionFailure',
        value: failure,
      },
    ],
  }).finish();
  const metadata = new Metadata();
  metadata.set('grpc-status-details-bin', Buffer.from(status));
  return Object.assign(new Error('9 FAILED_PRECONDITION: Update-with-Start could not be executed.'), {
    code: grpc.FAILED_PRECONDITION,
    details: 'Update-with-Start could not be executed.',
    metadata,
  });
}

describe('which Temporal refusals the API answers 503 (retry with the same key) rather than 500', () => {
  it('an update-with-start refused for a passing reason: a worker died under the update, too many updates', () => {
    for (const code of [grpc.ABORTED, grpc.UNAVAILABLE, grpc.RESOURCE_EXHAUSTED, grpc.DEADLINE_EXCEEDED]) {
      const err = multiOperationError([ABORTED_OP, { code, message: 'Update failed' }]);
      expect(isTransientMultiOperationFailure(err), String(code)).toBe(true);
      expect(isWorkflowEngineTimeout(new Error('Update-With-Start failed', { cause: err }))).toBe(true);
    }
    // "Reason unknown": no operation names its own failure.
    expect(
      isTransientMultiOperationFailure(multiOperationError([{ code: 0, message: '' }, ABORTED_OP])),
    ).toBe(true);
  });

  it('not one the same request would meet again, nor any other precondition failure', () => {
    const invalid = multiOperationError([
      { code: grpc.INVALID_ARGUMENT, message: 'bad search attribute' },
      ABORTED_OP,
    ]);
    expect(isTransientMultiOperationFailure(invalid)).toBe(false);
    expect(isWorkflowEngineTimeout(invalid)).toBe(false);
    const plain = Object.assign(new Error('9 FAILED_PRECONDITION: no'), {
      code: grpc.FAILED_PRECONDITION,
      details: 'no',
      metadata: new Metadata(),
    });
    expect(isWorkflowEngineTimeout(plain)).toBe(false);
  });

  it('ABORTED and RESOURCE_EXHAUSTED from an update, as the SDK rethrows them', () => {
    for (const code of [grpc.ABORTED, grpc.RESOURCE_EXHAUSTED])
      expect(
        isWorkflowEngineTimeout(
          Object.assign(new Error('x'), { code, details: 'x', metadata: new Metadata() }),
        ),
      ).toBe(true);
  });
});
