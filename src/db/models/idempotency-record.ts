/** A row of `idempotency_records`: the first answer given under a reseller's Idempotency-Key. */
export interface IdempotencyRecordRow {
  id: string;
  /** reseller:<id> or admin:<id>: whose key it is. */
  owner: string;
  resellerId: number | null;
  key: string;
  scope: string;
  requestHash: string;
  state: 'in_flight' | 'completed';
  responseStatus: number | null;
  /** Older rows kept the body as jsonb only. */
  responseBody: unknown;
  /** The body as sent (rows written before it existed have only `responseBody`). */
  responseText: string | null;
  responseHeaders: Record<string, string> | null;
  createdAt: Date;
  expiresAt: Date;
}
