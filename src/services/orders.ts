import { WorkflowNotFoundError } from '@temporalio/client';
import { queueFor } from '../temporal/queues';
import type { Knex } from 'knex';
import { Domain, type InvoiceRow, type OrderRow, type Reseller } from '../db/models';
import { newPublicId } from '../utils/public-ids';
import { type OrderState, orderWorkflowId } from '../../workflows/contracts';
import type { CoreDeps } from './deps';
import { ownedDomain, registrableDomain } from './domains';
import { AppError, conflict, notFound, unprocessable } from './errors';
import { findInvoice, invoiceView } from './invoices';
import { type OrderKey, payInvoiceFromWallet, startOrder } from './order-workflow';
import { rateAsSet } from './exchange-rates';
import { resolveContacts } from './contacts';
import { buildOrderInput, type OrderRequest, PRE_CHECKS } from './order-checks';

export type { OrderRequest };

/** A completed order's domain as the answer shows it. */
export interface OrderDomain {
  id: number;
  name: string;
  status: string;
  expiresAt: string | null;
}

/** What placing an order gives: the order (with its invoice) and, once completed, its domain. */
export interface PlacedOrder {
  /** True when the request found an order placed earlier (a retried key, a recent renewal). */
  replay: boolean;
  order: OrderState;
  domain: OrderDomain | null;
}

/**
 * Prices, checks and starts an order; every surface maps its own fields in and this result out.
 * The answer is built from what the workflow said when it accepted (and, when it finished within
 * the wait, from its result); only an order placed earlier is read back from the database.
 */
export async function placeOrder(
  deps: CoreDeps,
  reseller: Reseller,
  req: OrderRequest,
): Promise<PlacedOrder> {
  const currency = reseller.currency.trim();
  // A renewal is of a domain in the account (by portal ID or name: another's is a 404), and seed
  // 003 transfers "an owned domain" too: a portal ID names one in the account.
  const named =
    req.action === 'renew' || (req.action === 'transfer' && /^\d+$/.test(req.domain))
      ? (await ownedDomain(deps.db, reseller.id, req.domain)).name
      : req.domain;
  const { ascii: domain, tld } = await registrableDomain(deps.db, named, req.domainField);

  // A retry under an Idempotency-Key whose order already exists (its first attempt answered 503,
  // or its answer was lost) is that order: skip the availability checks, which the first
  // attempt's own registration would now fail.
  if (req.idempotencyKey) {
    const existing = await findOrder(deps.db, {
      resellerId: reseller.id,
      workflowId: orderWorkflowId(reseller.id, req.idempotencyKey),
    });
    if (existing) {
      if (existing.domainName !== domain || existing.action !== req.action)
        throw unprocessable(
          'idempotency_key_reused',
          'This Idempotency-Key was used with a different request.',
        );
      return placedEarlier(deps.db, existing);
    }
  }

  const local = await Domain.query(deps.db).findOne({ name: domain });
  const priced = await PRE_CHECKS[req.action]({ deps, reseller, req, domain, tld, local: local ?? null });
  // The cost as the reseller's money: the rate it was priced at (premium) or the one set now.
  const exchangeRate =
    priced.exchangeRate ?? (priced.cost ? await rateAsSet(deps.db, priced.cost.currency, currency) : null);

  let orderKey: OrderKey;
  if (req.idempotencyKey) orderKey = { kind: 'idempotency', key: req.idempotencyKey };
  else if (req.action === 'renew') {
    const recent = await recentRenewal(deps.db, reseller.id, domain, req.years);
    if (recent) return placedEarlier(deps.db, recent);
    orderKey = { kind: 'natural', key: `renew:${domain}:${priced.fromExpiresAt}`, concurrent: 'attach' };
  } else orderKey = { kind: 'natural', key: `${req.action}:${domain}`, concurrent: 'fail' };

  // The people become handles (or are found as ones): the run carries their IDs only.
  const contactRefs = req.contacts ? await resolveContacts(deps.db, reseller.id, req.contacts) : null;
  const input = buildOrderInput({
    publicId: newPublicId('ord'),
    reseller,
    req,
    domain,
    priced: { ...priced, exchangeRate },
    sealedAuthCode: req.authCode ? deps.secrets.seal(req.authCode) : null,
    contactRefs,
    config: deps.config,
  });

  const outcome = await startOrder(
    { temporal: deps.temporal, taskQueue: queueFor(deps.config, 'orderWorkflow') },
    input,
    reseller,
    orderKey,
    deps.config.ORDER_ACCEPT_WAIT_MS,
    deps.config.WORKFLOW_ANSWER_TIMEOUT_MS,
  );
  switch (outcome.kind) {
    case 'refused':
      if (outcome.code === 'order_in_progress') throw conflict('order_in_progress', outcome.message);
      throw unprocessable(outcome.code, outcome.message);
    case 'in_progress':
      throw conflict('order_in_progress', `A ${req.action} order for ${domain} is already in progress.`);
    case 'existing':
      return placedEarlier(deps.db, await orderByWorkflow(deps.db, reseller.id, outcome.workflowId));
    case 'accepted': {
      const { result, acceptance } = outcome;
      const order = result === 'failed' ? undefined : (result?.order ?? acceptance.order);
      if (!order) {
        // A run that ended in an error, or one that predates answering with the order: its row.
        const row = await orderByWorkflow(deps.db, reseller.id, outcome.workflowId);
        return { ...(await placedEarlier(deps.db, row)), replay: false };
      }
      const done = order.status === 'completed' && order.domainId !== null;
      return {
        replay: false,
        order,
        domain: done
          ? { id: order.domainId!, name: order.domain, status: 'active', expiresAt: order.expiresAt }
          : null,
      };
    }
  }
}

/** An order placed by an earlier request, as it stands now. */
async function placedEarlier(db: Knex, row: OrderRow): Promise<PlacedOrder> {
  const order = await orderWithInvoice(db, row);
  let domain: OrderDomain | null = null;
  if (row.status === 'completed') {
    const d = await Domain.query(db).findOne({ name: row.domainName, resellerId: row.resellerId });
    if (d)
      domain = { id: d.id, name: d.name, status: d.status, expiresAt: d.expiresAt?.toISOString() ?? null };
  }
  return { replay: true, order, domain };
}

async function orderByWorkflow(db: Knex, resellerId: number, workflowId: string): Promise<OrderRow> {
  const row = await findOrder(db, { resellerId, workflowId });
  if (!row) throw new AppError(500, 'internal_error', 'Unexpected server error.');
  return row;
}

/** An order row as the order's workflow describes it (`OrderState`), with its invoice. */
export function orderState(row: OrderRow, invoice: InvoiceRow | undefined): OrderState {
  return {
    publicId: row.publicId,
    orderId: row.id,
    action: row.action,
    domain: row.domainName,
    years: row.years,
    paymentMethod: row.paymentMethod,
    amountMinor: String(row.amountMinor),
    currency: row.currency.trim(),
    status: row.status,
    failureCode: row.failureCode,
    failureMessage: row.failureMessage,
    invoice: invoice ? invoiceView(invoice) : null,
    createdAt: new Date(row.createdAt).toISOString(),
    completedAt: row.completedAt ? new Date(row.completedAt).toISOString() : null,
    domainId: row.domainId,
    expiresAt: row.registrarResult?.expiresAt ?? null,
    transferStatus: row.transferStatus,
  };
}

async function orderWithInvoice(db: Knex, row: OrderRow): Promise<OrderState> {
  return orderState(row, (await db('invoices').where({ orderId: row.id }).first()) as InvoiceRow | undefined);
}

export async function findOrder(
  db: Knex,
  where: { resellerId: number } & ({ workflowId: string } | { publicId: string }),
): Promise<OrderRow | undefined> {
  return (await db('orders').where(where).first()) as OrderRow | undefined;
}

/** One of the reseller's orders with its invoice; 404 when it is not theirs. */
export async function showOrder(db: Knex, resellerId: number, publicId: string): Promise<OrderState> {
  const row = await findOrder(db, { resellerId, publicId });
  if (!row) throw notFound('Order not found.', 'order_not_found');
  return orderWithInvoice(db, row);
}

/**
 * Pays an order's unpaid invoice from the wallet, through the order's workflow (a ledger debit,
 * then provisioning starts); 404 for an invoice that is not the reseller's order invoice, 422
 * when it cannot be paid.
 */
export async function payOrderInvoice(
  deps: CoreDeps,
  resellerId: number,
  invoicePublicId: string,
): Promise<OrderState> {
  const invoice = await findInvoice(deps.db, resellerId, invoicePublicId);
  if (!invoice || invoice.orderId === null) throw notFound('Invoice not found.', 'invoice_not_found');
  const order = (await deps.db('orders').where({ id: invoice.orderId }).first()) as OrderRow;
  const result = await payInvoiceFromWallet(
    deps.temporal,
    order.workflowId,
    deps.config.WORKFLOW_ANSWER_TIMEOUT_MS,
  ).catch(async (err: unknown) => {
    // The order's run has ended (paid and provisioned, or the invoice expired): nothing is left
    // to pay, and the answer is the one the run gave while it was open, read from our rows.
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    const now = (await findInvoice(deps.db, resellerId, invoicePublicId))!;
    return now.status === 'paid'
      ? { paid: true as const }
      : { paid: false as const, code: 'invoice_not_payable', message: `The invoice is ${now.status}.` };
  });
  if (!result.paid) throw unprocessable(result.code, result.message);
  return orderWithInvoice(deps.db, (await findOrder(deps.db, { resellerId, publicId: order.publicId }))!);
}

/**
 * Without an Idempotency-Key a renew is deduplicated by time: the same renew (domain, years)
 * placed within this window returns the earlier order instead of renewing twice.
 */
export const RENEW_DEDUPE_MINUTES = 10;

async function recentRenewal(
  db: Knex,
  resellerId: number,
  domain: string,
  years: number,
): Promise<OrderRow | undefined> {
  return (await db('orders')
    .where({ resellerId, domainName: domain, action: 'renew', years })
    .whereNotIn('status', ['failed', 'cancelled'])
    .where('createdAt', '>', db.raw(`now() - interval '${RENEW_DEDUPE_MINUTES} minutes'`))
    .orderBy('id', 'desc')
    .first()) as OrderRow | undefined;
}
