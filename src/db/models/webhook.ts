/** A row of `events`: the outbox every webhook is delivered from. */
export interface EventRow {
  id: string;
  resellerId: number;
  type: string;
  payload: Record<string, unknown>;
  /** Increases with every event written: receivers order by it. */
  sequence: string;
  dispatchedAt: Date | null;
  createdAt: Date;
}

/** A row of `webhook_endpoints`. */
export interface WebhookEndpointRow {
  id: number;
  publicId: string;
  resellerId: number;
  url: string;
  description: string | null;
  /** Empty: every event type. */
  events: string[];
  /** Sealed signing secret (and the previous one during a rotation). */
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
  enabled: boolean;
  disabledReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type WebhookJobStatus = 'pending' | 'delivered' | 'failed' | 'disabled';

/** A row of `webhook_jobs`: one event owed to one endpoint. */
export interface WebhookJobRow {
  id: string;
  eventId: string;
  endpointId: number;
  status: WebhookJobStatus;
  attempts: number;
  /** The delivery workflow run (bumped when a delivery is restarted). */
  run: number;
  lastAttemptAt: Date | null;
  deliveredAt: Date | null;
  /** When its delivery was started; null while it waits its turn (its lane or its endpoint's limit). */
  startedAt: Date | null;
  checkedAt: Date | null;
  /** What its event is about (`order:…`, `invoice:…`, `domain:…`): its lane; null for events in no lane. */
  subject: string | null;
  /** Its event's sequence: the order within its lane. */
  sequence: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A row of `webhook_deliveries`: one attempt to deliver a job. */
export interface WebhookDeliveryRow {
  id: string;
  jobId: string;
  attempt: number;
  statusCode: number | null;
  latencyMs: number | null;
  responseExcerpt: string | null;
  error: string | null;
  delivered: boolean;
  createdAt: Date;
}
