import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Knex } from 'knex';
import { RegistrarError } from '../src/registrar/errors';
import type { Registrar, TransferState } from '../src/registrar/types';
import type { SecretBox } from '../src/secrets';
import {
  captureHold,
  creditWallet,
  debitWallet,
  InsufficientBalanceError,
  placeHold,
  voidHold,
} from '../src/services/ledger';
import type { Logger } from '../src/logger';
import { emitEvent, invoicePaidData, orderEventData } from '../src/webhooks/events';
import { type InvoiceView, OrderFailures, type OrderInput } from '../workflows/contracts';
import { newPublicId } from '../src/utils/public-ids';

export interface OrderActivityDeps {
  db: Knex;
  log: Logger;
  registrar: Registrar;
  secrets: SecretBox;
  invoiceTtlHours: number;
}

interface OrderRow {
  id: number;
  publicId: string;
  resellerId: number;
  action: 'register' | 'renew' | 'transfer';
  domainName: string;
  years: number;
  status: string;
  paymentMethod: 'wallet' | 'invoice';
  amountMinor: string;
  currency: string;
  premium: boolean;
  request: {
    nameservers?: string[];
    contacts?: OrderInput['contacts'];
    privacy?: string | null;
    autoRenew?: boolean | null;
  };
  registrarResult: RegistrarResult | null;
  authCode: string | null;
  fromExpiresAt: Date | null;
  domainId: number | null;
  attempt: number;
}

/** What the registrar holds once the order's registrar steps are done (stored before billing). */
export interface RegistrarResult {
  expiresAt: string | null;
  /** Registrations and transfers: the privacy the registrar holds after the privacy step. */
  privacy?: 'full' | 'partial' | 'off' | null;
}

/** The reseller's view of an order whose registrar step succeeded and whose billing is under review. */
export const BILLING_REVIEW_MESSAGE =
  'The registrar completed this order, but recording its billing failed. It is under review; your funds stay reserved until then, and nothing is charged twice.';

/** One hold per order attempt (attempt 1 keeps the original reference). */
const holdRef = (orderId: number, attempt = 1) =>
  attempt === 1 ? `order:${orderId}:hold` : `order:${orderId}:hold:${attempt}`;
const refundRef = (orderId: number) => `order:${orderId}:refund`;
const LIVE = ['pending', 'awaiting_payment', 'processing'];

function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as {
    code?: string;
    constraint?: string;
    nativeError?: { code?: string; constraint?: string };
  };
  const code = e.code ?? e.nativeError?.code;
  const name = e.constraint ?? e.nativeError?.constraint;
  return code === '23505' && (constraint === undefined || name === constraint);
}

export function invoiceView(row: {
  id: number;
  publicId: string;
  status: InvoiceView['status'];
  amountMinor: string;
  currency: string;
  expiresAt: Date;
}): InvoiceView {
  return {
    id: row.id,
    publicId: row.publicId,
    status: row.status,
    amountMinor: String(row.amountMinor),
    currency: row.currency.trim(),
    expiresAt: new Date(row.expiresAt).toISOString(),
  };
}

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
function registrarFailure(err: unknown): never {
  if (err instanceof RegistrarError && !err.retryable) {
    throw ApplicationFailure.nonRetryable(err.message, OrderFailures.RegistrarRejected);
  }
  throw err;
}

export function createOrderActivities(deps: OrderActivityDeps) {
  const { db, registrar } = deps;

  async function loadOrder(orderId: number, trx: Knex | Knex.Transaction = db): Promise<OrderRow> {
    const row = (await trx('orders').where({ id: orderId }).first()) as OrderRow | undefined;
    if (!row) throw new Error(`order ${orderId} not found`);
    return row;
  }

  async function audit(
    trx: Knex | Knex.Transaction,
    order: OrderRow,
    type: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    await trx('auditEvents').insert({
      resellerId: order.resellerId,
      type,
      subjectType: 'order',
      subjectId: order.publicId,
      data,
    });
  }

  return {
    /** Inserts the order row (idempotent on the workflow ID); refuses a second live acquisition of a domain. */
    async openOrder(input: OrderInput, workflowId: string): Promise<number> {
      if (input.resumeOrderId) {
        // Resume: the same order row, a new attempt, paid from the wallet (where a refund went).
        const resumed = await db('orders')
          .where({ id: input.resumeOrderId })
          .where((q) => {
            void q.where('status', 'failed').orWhere('workflowId', workflowId);
          })
          .update({
            workflowId,
            status: 'pending',
            paymentMethod: 'wallet',
            failureCode: null,
            failureMessage: null,
            registrarResult: null,
            attempt: db.raw('CASE WHEN workflow_id = ? THEN attempt ELSE attempt + 1 END', [workflowId]),
            updatedAt: db.fn.now(),
          });
        if (resumed === 0)
          throw ApplicationFailure.nonRetryable(
            'The order cannot be resumed.',
            OrderFailures.OrderInProgress,
          );
        return input.resumeOrderId;
      }
      const existing = (await db('orders').where({ workflowId }).first('id')) as { id: number } | undefined;
      if (existing) return existing.id;
      let domainId: number | null = null;
      if (input.action === 'register' || input.action === 'transfer') {
        const taken = (await db('domains').where({ name: input.domain }).first('id', 'resellerId')) as
          { id: number; resellerId: number } | undefined;
        if (taken && input.action === 'transfer' && taken.resellerId === input.resellerId) {
          // A domain in the account but not at our registrar (the API checked): transferred in place.
          domainId = taken.id;
        } else if (taken) {
          throw ApplicationFailure.nonRetryable(
            taken.resellerId === input.resellerId
              ? 'The domain is already in your account.'
              : 'The domain is not available.',
            OrderFailures.DomainUnavailable,
          );
        }
      } else {
        const owned = (await db('domains')
          .where({ name: input.domain, resellerId: input.resellerId })
          .first('id')) as { id: number } | undefined;
        if (!owned)
          throw ApplicationFailure.nonRetryable(
            'Domain not found in your account.',
            OrderFailures.DomainUnavailable,
          );
        domainId = owned.id;
      }
      try {
        const [row] = (await db('orders')
          .insert({
            publicId: input.publicId,
            resellerId: input.resellerId,
            action: input.action,
            domainName: input.domain,
            years: input.years,
            status: 'pending',
            paymentMethod: input.paymentMethod,
            amountMinor: input.amountMinor,
            currency: input.currency,
            workflowId,
            idempotencyKey: input.idempotencyKey,
            premium: input.premium,
            fromExpiresAt: input.fromExpiresAt,
            authCode: input.sealedAuthCode,
            domainId,
            request: {
              nameservers: input.nameservers,
              contacts: input.contacts,
              privacy: input.privacy,
              autoRenew: input.autoRenew,
            },
          })
          .returning('id')) as Array<{ id: number }>;
        return row!.id;
      } catch (err) {
        if (isUniqueViolation(err, 'orders_one_live_acquisition_per_domain')) {
          throw ApplicationFailure.nonRetryable(
            'Another registration or transfer of this domain is in progress.',
            OrderFailures.OrderInProgress,
          );
        }
        if (isUniqueViolation(err)) {
          const again = (await db('orders').where({ workflowId }).first('id')) as { id: number } | undefined;
          if (again) return again.id;
        }
        throw err;
      }
    },

    /** Reserves the order's amount in the wallet (pending entry); InsufficientBalance is final. */
    async holdFunds(orderId: number): Promise<void> {
      const order = await loadOrder(orderId);
      try {
        await placeHold(db, {
          resellerId: order.resellerId,
          currency: order.currency.trim(),
          amount: BigInt(order.amountMinor),
          reference: holdRef(orderId, order.attempt),
          orderId,
          description: `${order.action} ${order.domainName}`,
        });
      } catch (err) {
        if (err instanceof InsufficientBalanceError) {
          throw ApplicationFailure.nonRetryable(err.message, OrderFailures.InsufficientBalance);
        }
        throw err;
      }
    },

    async createInvoice(orderId: number): Promise<InvoiceView> {
      const order = await loadOrder(orderId);
      return db.transaction(async (trx) => {
        const existing = (await trx('invoices').where({ orderId }).first()) as
          Parameters<typeof invoiceView>[0] | undefined;
        if (existing) return invoiceView(existing);
        const [row] = (await trx('invoices')
          .insert({
            publicId: newPublicId('inv'),
            resellerId: order.resellerId,
            orderId,
            amountMinor: order.amountMinor,
            currency: order.currency,
            status: 'unpaid',
            purpose: 'order',
            workflowId: (order as OrderRow & { workflowId: string }).workflowId,
            expiresAt: new Date(Date.now() + deps.invoiceTtlHours * 3600_000),
          })
          .returning('*')) as Array<Parameters<typeof invoiceView>[0]>;
        await trx('orders')
          .where({ id: orderId })
          .update({ status: 'awaiting_payment', updatedAt: trx.fn.now() });
        return invoiceView(row!);
      });
    },

    /** Pays the order's invoice from the wallet: a posted debit and the invoice marked paid, atomically. */
    async payInvoiceFromWallet(orderId: number): Promise<InvoiceView> {
      const order = await loadOrder(orderId);
      try {
        return await db.transaction(async (trx) => {
          const invoice = (await trx('invoices').where({ orderId }).forUpdate().first()) as
            (Parameters<typeof invoiceView>[0] & { id: number }) | undefined;
          if (!invoice)
            throw ApplicationFailure.nonRetryable(
              'The order has no invoice.',
              OrderFailures.InvoiceNotPayable,
            );
          if (invoice.status === 'paid') return invoiceView(invoice);
          if (invoice.status !== 'unpaid') {
            throw ApplicationFailure.nonRetryable(
              `The invoice is ${invoice.status}.`,
              OrderFailures.InvoiceNotPayable,
            );
          }
          await debitWallet(trx, {
            resellerId: order.resellerId,
            currency: order.currency.trim(),
            amount: BigInt(invoice.amountMinor),
            reference: `invoice:${invoice.id}:wallet`,
            orderId,
            invoiceId: invoice.id,
            description: `invoice ${invoice.publicId}`,
          });
          const [paid] = (await trx('invoices')
            .where({ id: invoice.id })
            .update({ status: 'paid', gateway: 'wallet', paidAt: trx.fn.now(), updatedAt: trx.fn.now() })
            .returning('*')) as Array<Parameters<typeof invoiceView>[0] & { purpose: string; paidAt: Date }>;
          await emitEvent(trx, order.resellerId, 'invoice.paid', invoicePaidData(paid!, 'wallet', order));
          return invoiceView(paid!);
        });
      } catch (err) {
        if (err instanceof InsufficientBalanceError) {
          throw ApplicationFailure.nonRetryable(err.message, OrderFailures.InsufficientBalance);
        }
        throw err;
      }
    },

    /** Expires the unpaid invoice and cancels the order; false when it was paid meanwhile. */
    async expireInvoice(orderId: number): Promise<boolean> {
      return db.transaction(async (trx) => {
        const updated = await trx('invoices')
          .where({ orderId, status: 'unpaid' })
          .update({ status: 'expired', updatedAt: trx.fn.now() });
        const invoice = (await trx('invoices').where({ orderId }).first('status')) as { status: string };
        if (updated === 0 && invoice.status === 'paid') return false;
        const order = await loadOrder(orderId, trx);
        await trx('orders').where({ id: orderId }).whereIn('status', LIVE).update({
          status: 'cancelled',
          failureCode: 'invoice_expired',
          failureMessage: 'The invoice expired unpaid.',
          updatedAt: trx.fn.now(),
        });
        await emitEvent(
          trx,
          order.resellerId,
          'domain.order.failed',
          orderEventData(order, {
            status: 'cancelled',
            failureCode: 'invoice_expired',
            failureMessage: 'The invoice expired unpaid.',
          }),
        );
        return true;
      });
    },

    async markProcessing(orderId: number): Promise<void> {
      await db.transaction(async (trx) => {
        const order = await loadOrder(orderId, trx);
        const n = await trx('orders')
          .where({ id: orderId })
          .whereIn('status', ['pending', 'awaiting_payment'])
          .update({ status: 'processing', updatedAt: trx.fn.now() });
        if (n > 0)
          await emitEvent(
            trx,
            order.resellerId,
            'domain.order.processing',
            orderEventData(order, { status: 'processing' }),
          );
      });
    },

    /**
     * Registers or renews at the registrar. Idempotent: before acting it asks the registrar
     * whether an earlier attempt (whose answer was lost) already took effect.
     */
    async provision(orderId: number): Promise<{ expiresAt: string | null }> {
      return withHeartbeat(async () => {
        const order = await loadOrder(orderId);
        if (order.registrarResult) return order.registrarResult;
        const settled = await findProvisionedOrder(order);
        if (settled) return settled;
        try {
          if (order.action === 'register') {
            const res = await registrar.register({
              domain: order.domainName,
              years: order.years,
              currency: order.currency.trim(),
              contacts: order.request.contacts ?? undefined,
              nameservers: order.request.nameservers ?? undefined,
              premium: order.premium,
            });
            return { expiresAt: res.expiresAt?.toISOString() ?? null };
          }
          if (!order.fromExpiresAt)
            throw ApplicationFailure.nonRetryable(
              'renew order without an expiry',
              OrderFailures.RegistrarRejected,
            );
          const res = await registrar.renew({
            domain: order.domainName,
            years: order.years,
            currentExpiryYear: new Date(order.fromExpiresAt).getUTCFullYear(),
            currency: order.currency.trim(),
          });
          return { expiresAt: res.expiresAt?.toISOString() ?? null };
        } catch (err) {
          return registrarFailure(err);
        }
      });
    },

    /** After retries ran out: did the registrar apply the order after all? */
    async findProvisioned(orderId: number): Promise<{ expiresAt: string | null } | null> {
      return findProvisionedOrder(await loadOrder(orderId));
    },

    async submitTransfer(orderId: number): Promise<void> {
      return withHeartbeat(async () => {
        const order = await loadOrder(orderId);
        try {
          const status = await registrar.transferStatus(order.domainName);
          if (status && (status.state === 'pending' || status.state === 'completed')) return;
          if (!order.authCode)
            throw ApplicationFailure.nonRetryable(
              'transfer order without an auth code',
              OrderFailures.RegistrarRejected,
            );
          await registrar.transfer({
            domain: order.domainName,
            authCode: deps.secrets.open(order.authCode),
            currency: order.currency.trim(),
          });
        } catch (err) {
          return registrarFailure(err);
        }
      });
    },

    async checkTransfer(orderId: number): Promise<{ state: TransferState; expiresAt: string | null }> {
      const order = await loadOrder(orderId);
      const status = await registrar.transferStatus(order.domainName);
      if (!status) return { state: 'failed', expiresAt: null };
      if (status.state !== 'completed') return { state: status.state, expiresAt: null };
      const info = await registrar.info(order.domainName);
      return { state: 'completed', expiresAt: info?.expiresAt?.toISOString() ?? null };
    },

    /**
     * Registrations and transfers: sets the privacy the order asked for at the registrar (Dynadot
     * takes it only once the domain is in the account) and returns what the registrar then holds.
     * Idempotent: a retry after a lost answer finds the option already set.
     */
    async applyOrderPrivacy(orderId: number): Promise<'full' | 'partial' | 'off'> {
      return withHeartbeat(async () => {
        const order = await loadOrder(orderId);
        const wanted = order.request.privacy as 'full' | 'partial' | 'off' | null | undefined;
        try {
          const info = await registrar.info(order.domainName);
          if (!wanted || info?.privacy === wanted) return info?.privacy ?? 'off';
          // (The workflow asks only when the order wants a privacy setting.)
          await registrar.setPrivacy(order.domainName, wanted);
          return wanted;
        } catch (err) {
          return registrarFailure(err);
        }
      });
    },

    /** The privacy step failed for good: the order completes with what the registrar holds, for review. */
    async recordPrivacyFailure(orderId: number, message: string): Promise<void> {
      const order = await loadOrder(orderId);
      await audit(db, order, 'privacy_not_applied', {
        domain_name: order.domainName,
        requested: order.request.privacy ?? null,
        error: message.slice(0, 500),
      });
    },

    /** Stores what the registrar answered before billing, so a billing failure never loses it. */
    async recordRegistrarResult(orderId: number, result: RegistrarResult): Promise<void> {
      await db('orders').where({ id: orderId }).update({ registrarResult: result, updatedAt: db.fn.now() });
    },

    /**
     * One transaction: capture the hold (wallet orders), create or update the domain, complete
     * the order, write the reconciliation audit event and the completion event.
     */
    async completeOrder(orderId: number): Promise<void> {
      await db
        .transaction(async (trx) => {
          const order = (await trx('orders').where({ id: orderId }).forUpdate().first()) as OrderRow;
          if (order.status === 'completed') return;
          if (!order.registrarResult) throw new Error(`order ${orderId} has no registrar result`);
          const expiresAt = order.registrarResult.expiresAt
            ? new Date(order.registrarResult.expiresAt)
            : null;
          if (order.paymentMethod === 'wallet') await captureHold(trx, holdRef(orderId, order.attempt));
          let domainId = order.domainId;
          if (order.action === 'renew') {
            await trx('domains').where({ id: domainId }).update({ expiresAt, updatedAt: trx.fn.now() });
          } else if (domainId !== null) {
            // A transfer of a domain already in the account: its row now says what the registrar holds.
            await trx('domains')
              .where({ id: domainId })
              .update({
                status: 'active',
                expiresAt,
                privacy: order.registrarResult.privacy ?? 'off',
                ...(order.request.autoRenew == null ? {} : { autoRenew: order.request.autoRenew }),
                updatedAt: trx.fn.now(),
              });
          } else {
            const [domain] = (await trx('domains')
              .insert({
                resellerId: order.resellerId,
                name: order.domainName,
                status: 'active',
                registeredAt: trx.fn.now(),
                expiresAt,
                autoRenew: order.request.autoRenew ?? false,
                // What the registrar holds, never merely what was asked for.
                privacy: order.registrarResult.privacy ?? 'off',
                nameservers: order.request.nameservers ?? [],
              })
              .returning('id')) as Array<{ id: number }>;
            domainId = domain!.id;
          }
          await trx('orders').where({ id: orderId }).update({
            status: 'completed',
            domainId,
            authCode: null,
            completedAt: trx.fn.now(),
            updatedAt: trx.fn.now(),
          });
          const ledger = (await trx('ledger_entries')
            .where({ orderId })
            .orWhere('invoiceId', trx('invoices').select('id').where({ orderId }))
            .select('id', 'kind', 'status', 'amountMinor')) as Array<Record<string, unknown>>;
          await audit(trx, order, 'reconciliation', {
            action: order.action,
            domain_name: order.domainName,
            amount_minor: String(order.amountMinor),
            currency: order.currency.trim(),
            payment_method: order.paymentMethod,
            registrar_expires_at: order.registrarResult.expiresAt,
            ledger_entries: ledger,
          });
          await emitEvent(
            trx,
            order.resellerId,
            'domain.order.completed',
            orderEventData(order, { status: 'completed', expiresAt: order.registrarResult.expiresAt }),
          );
        })
        .catch((err: unknown) => {
          // A constraint or data error is the same on every retry: straight to review.
          const code = (err as { code?: unknown }).code;
          if (typeof code === 'string' && /^2[23]/.test(code))
            throw ApplicationFailure.nonRetryable((err as Error).message, OrderFailures.BillingFailed);
          throw err;
        });
    },

    /** The registrar succeeded but local billing failed: kept for admin review, never retried blindly. */
    async recordBillingFailure(orderId: number, message: string): Promise<void> {
      await db.transaction(async (trx) => {
        const order = await loadOrder(orderId, trx);
        await trx('orders').where({ id: orderId }).update({
          status: 'billing_failed',
          failureCode: 'billing_failed',
          // What the reseller reads; the internal error stays in the audit event.
          failureMessage: BILLING_REVIEW_MESSAGE,
          updatedAt: trx.fn.now(),
        });
        await audit(trx, order, 'billing_failed', {
          domain_name: order.domainName,
          registrar_result: order.registrarResult,
          error: message.slice(0, 500),
        });
      });
    },

    /** Compensation: void the hold or refund a paid invoice to the wallet; mark the order failed. */
    async failOrder(orderId: number, code: string, message: string): Promise<void> {
      await db.transaction(async (trx) => {
        const order = (await trx('orders').where({ id: orderId }).forUpdate().first()) as OrderRow;
        if (order.status === 'failed' || order.status === 'completed') return;
        if (order.paymentMethod === 'wallet') await voidHold(trx, holdRef(orderId, order.attempt));
        else {
          const invoice = (await trx('invoices').where({ orderId }).first('id', 'status', 'amountMinor')) as
            { id: number; status: string; amountMinor: string } | undefined;
          if (invoice?.status === 'paid') {
            await creditWallet(trx, {
              resellerId: order.resellerId,
              currency: order.currency.trim(),
              amount: BigInt(invoice.amountMinor),
              kind: 'refund',
              reference: refundRef(orderId),
              orderId,
              invoiceId: invoice.id,
              description: `refund: ${order.action} ${order.domainName} failed`,
            });
          }
        }
        await trx('orders')
          .where({ id: orderId })
          .update({
            status: 'failed',
            failureCode: code,
            failureMessage: message.slice(0, 500),
            // A transfer that may be resumed (`domains:retry-provisioning`) keeps its sealed code.
            ...(code === 'registrar_failed' ? {} : { authCode: null }),
            updatedAt: trx.fn.now(),
          });
        await emitEvent(
          trx,
          order.resellerId,
          'domain.order.failed',
          orderEventData(order, { status: 'failed', failureCode: code, failureMessage: message }),
        );
      });
    },
  };

  /** Register: the domain is in our registrar account and nobody here owns it. Renew: the expiry moved past the priced one. */
  async function findProvisionedOrder(order: OrderRow): Promise<{ expiresAt: string | null } | null> {
    const info = await registrar.info(order.domainName);
    if (!info) return null;
    if (order.action === 'register') {
      const local = (await db('domains').where({ name: order.domainName }).first('id')) as
        { id: number } | undefined;
      return local ? null : { expiresAt: info.expiresAt?.toISOString() ?? null };
    }
    if (order.action === 'renew' && order.fromExpiresAt && info.expiresAt) {
      const from = new Date(order.fromExpiresAt).getTime();
      // A renewal adds at least ~11 months; anything less is drift, not our renewal.
      return info.expiresAt.getTime() >= from + 330 * 24 * 3600_000
        ? { expiresAt: info.expiresAt.toISOString() }
        : null;
    }
    return null;
  }
}

export type OrderActivities = ReturnType<typeof createOrderActivities>;
