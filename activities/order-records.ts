import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Knex } from 'knex';
import type { Config } from '../src/config';
import type { Logger } from '../src/logger';
import { RegistrarError } from '../src/registrar/errors';
import type { Registrar } from '../src/registrar/types';
import type { SecretBox } from '../src/secrets';
import type { OrderRow } from '../src/db/models';
import { OrderFailures } from '../workflows/contracts';

/* What the order activities share: the order row, its references, and helpers over them. */

export interface OrderActivityDeps {
  db: Knex;
  log: Logger;
  registrar: Registrar;
  secrets: SecretBox;
  invoiceTtlHours: number;
  /** How long after a registration the registrar may not show it (a lost answer is settled within it). */
  registrarLagMs: number;
  /** What a premium name's price needs, to say it when a registration was refused as premium. */
  pricing: Pick<Config, 'PREMIUM_NAMES' | 'PREMIUM_MARGIN_BPS' | 'EXCHANGE_RATE_MAX_AGE_HOURS'>;
}

export const refundRef = (orderId: number) => `order:${orderId}:refund`;
export const LIVE = ['pending', 'awaiting_payment', 'processing'];

export { isUniqueViolation } from '../src/db/errors';

/**
 * Heartbeats every few seconds while a registrar step runs, so that a worker that dies mid-call
 * is noticed within the heartbeat timeout instead of the whole start-to-close timeout.
 */
export async function withHeartbeat<T>(fn: () => Promise<T>): Promise<T> {
  const context = Context.current();
  context.heartbeat();
  const timer = setInterval(() => context.heartbeat(), 3_000);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}

/** Registrar errors as Temporal failures: rejections are final, the rest is retried. */
export function registrarFailure(err: unknown): never {
  if (err instanceof RegistrarError && !err.retryable) {
    throw ApplicationFailure.nonRetryable(err.message, OrderFailures.RegistrarRejected);
  }
  throw err;
}

export async function loadOrder(db: Knex | Knex.Transaction, orderId: number): Promise<OrderRow> {
  const row = (await db('orders').where({ id: orderId }).first()) as OrderRow | undefined;
  if (!row) throw new Error(`order ${orderId} not found`);
  return row;
}

/** An audit event about an order (reconciliation, billing_failed, privacy_not_applied, …). */
export async function auditOrder(
  db: Knex | Knex.Transaction,
  order: Pick<OrderRow, 'resellerId' | 'publicId'>,
  type: string,
  data: Record<string, unknown>,
  /** Who caused it: the workflows themselves unless an operator did. */
  actor = 'system',
): Promise<void> {
  await db('auditEvents').insert({
    actor,
    resellerId: order.resellerId,
    type,
    subjectType: 'order',
    subjectId: order.publicId,
    data,
  });
}
