import type { Context } from 'koa';
import { DomainNameError, normaliseDomainName, splitRegistrable } from '../domain-name';
import { Domain } from '../db/models';
import { currencyScale, formatMinor, parseDecimalToMinor } from '../money';
import { RegistrarError } from '../registrar/errors';
import { activeTlds, NotOfferedError, quote, withMarkup } from '../services/catalog';
import { findOrder, invoiceForOrder, type OrderKey, recentRenewal, startOrder } from '../services/orders';
import {
  type ContactInput,
  type OrderAction,
  type OrderInput,
  orderWorkflowId,
  type PaymentMethod,
} from '../../workflows/contracts';
import type { AppDeps, AuthState } from './context';
import { ApiError, conflict, notFound, unprocessable, validationFailed } from './errors';
import { presentOrder } from './orders.presenter';
import { respond } from './envelope';
import { registrarRead } from './registrar-read';
import { TimeoutError, withTimeout } from '../timeout';
import { newPublicId } from '../utils/public-ids';

export interface OrderRequest {
  action: OrderAction;
  /** As the caller sent it; normalised here. */
  domain: string;
  /** The field the domain came in (`domain_name` on seed 003, `domain` on seed 000). */
  domainField: string;
  years: number;
  paymentMethod: PaymentMethod;
  contacts?: { registrant: ContactInput; admin: ContactInput } | undefined;
  nameservers?: string[] | undefined;
  privacy?: 'full' | 'partial' | 'off' | undefined;
  autoRenew?: boolean | undefined;
  authCode?: string | undefined;
  /** The premium price the caller accepts (decimal, reseller currency). */
  premiumPrice?: string | undefined;
  /** Invoice orders: where to create the payment (default: PAYMENT_GATEWAY). */
  gateway?: 'midtrans' | 'xendit' | undefined;
  /** Where order links point (`/api/v1/orders`, `/api/reseller/v1/orders`). */
  ordersPath: string;
}

export interface OrderResponse {
  status: number;
  message: string;
  data: Record<string, unknown>;
  location?: string;
}

const REGISTRAR_READ_TIMEOUT_MS = 5000;

/** Writes an order answer in the seed 003 envelope, with its Location when it has one. */
export function sendOrderResponse(ctx: Context, res: OrderResponse): void {
  if (res.location) ctx.set('Location', res.location);
  respond(ctx, res.data, res.message, res.status);
}

/** Normalises and checks a domain against the catalog: 422 with the caller's field name otherwise. */
export async function registrableDomain(
  deps: AppDeps,
  raw: string,
  field: string,
): Promise<{ ascii: string; tld: string }> {
  try {
    const { ascii } = normaliseDomainName(raw);
    const { tld } = splitRegistrable(ascii, await activeTlds(deps.db));
    return { ascii, tld };
  } catch (err) {
    if (err instanceof DomainNameError) throw validationFailed({ [field]: [err.message] });
    throw err;
  }
}

/** Finds a domain of this reseller by portal ID or name; another reseller's is a 404. */
export async function ownedDomain(deps: AppDeps, resellerId: number, idOrName: string): Promise<Domain> {
  let name: string | undefined;
  // Portal IDs are Postgres integers: anything larger cannot exist.
  if (/^\d+$/.test(idOrName) && Number(idOrName) > 2_147_483_647)
    throw notFound('Domain not found in your account.', 'domain_not_found');
  if (!/^\d+$/.test(idOrName)) {
    try {
      name = normaliseDomainName(idOrName).ascii;
    } catch {
      throw notFound('Domain not found in your account.', 'domain_not_found');
    }
  }
  const domain = await Domain.query(deps.db)
    .where('resellerId', resellerId)
    .modify((q) => {
      if (name) void q.where('name', name);
      else void q.where('id', Number(idOrName));
    })
    .first();
  if (!domain) throw notFound('Domain not found in your account.', 'domain_not_found');
  return domain;
}

/**
 * Prices, checks and starts an order; shared by every surface (each maps its own fields in and
 * this result out).
 */
export async function placeOrder(
  deps: AppDeps,
  ctx: Context,
  auth: AuthState,
  req: OrderRequest,
): Promise<OrderResponse> {
  const { reseller } = auth;
  const currency = reseller.currency.trim();
  // Seed 003 transfers "an owned domain": a portal ID names one in the account.
  const named =
    req.action === 'transfer' && /^\d+$/.test(req.domain)
      ? (await ownedDomain(deps, reseller.id, req.domain)).name
      : req.domain;
  const { ascii: domain, tld } = await registrableDomain(deps, named, req.domainField);

  // A retry under an Idempotency-Key whose order already exists (its first attempt answered 503,
  // or its answer was lost) is that order: skip the availability checks, which the first
  // attempt's own registration would now fail.
  const retriedKey = ctx.state['idempotencyKey'] as string | undefined;
  if (retriedKey) {
    const workflowId = orderWorkflowId(reseller.id, retriedKey);
    const existing = await findOrder(deps.db, { resellerId: reseller.id, workflowId });
    if (existing) {
      if (existing.domainName !== domain || existing.action !== req.action)
        throw unprocessable(
          'idempotency_key_reused',
          'This Idempotency-Key was used with a different request.',
        );
      return respondWithOrder(deps, reseller.id, workflowId, req, { replay: true });
    }
  }

  let amount: bigint;
  try {
    amount = (
      await quote(deps.db, {
        tld,
        action: req.action,
        years: req.years,
        currency,
        markupBps: reseller.markupBps,
      })
    ).totalMinor;
  } catch (err) {
    if (err instanceof NotOfferedError)
      throw unprocessable('not_offered', err.message, { [req.domainField]: [err.message] });
    throw err;
  }

  let premium = false;
  let fromExpiresAt: string | null = null;
  const local = await Domain.query(deps.db).findOne({ name: domain });

  if (req.action === 'register') {
    if (local) {
      throw unprocessable(
        'domain_unavailable',
        local.resellerId === reseller.id
          ? 'The domain is already in your account.'
          : 'The domain is not available.',
      );
    }
    const [found] =
      (await withTimeout(deps.registrar.search([domain], currency), REGISTRAR_READ_TIMEOUT_MS).catch(
        (err: unknown) => {
          // Unknown availability is not a refusal: the order workflow checks again before creating.
          if (err instanceof RegistrarError || err instanceof TimeoutError) return undefined;
          throw err;
        },
      )) ?? [];
    if (found && !found.available) throw unprocessable('domain_unavailable', 'The domain is not available.');
    if (found?.premium) {
      if (!found.price || found.price.currency !== currency) {
        throw unprocessable('premium_not_offered', 'This premium name cannot be priced in your currency.');
      }
      premium = true;
      amount = withMarkup(found.price.amountMinor * BigInt(req.years), reseller.markupBps);
      const asked = formatMinor(amount, currency);
      if (req.premiumPrice === undefined) {
        throw unprocessable(
          'premium_price_required',
          `This is a premium name: send premium_price ${asked} to accept its price.`,
          {
            premium_price: [`The premium price is ${asked} ${currency}.`],
          },
        );
      }
      let accepted: bigint;
      try {
        accepted = parseDecimalToMinor(req.premiumPrice, currency);
      } catch {
        throw validationFailed({
          premium_price: [`Send the price as a decimal with at most ${currencyScale(currency)} decimals.`],
        });
      }
      if (accepted !== amount) {
        throw unprocessable('premium_price_mismatch', `The premium price is ${asked} ${currency}.`, {
          premium_price: [`The premium price is ${asked} ${currency}.`],
        });
      }
    }
  } else if (req.action === 'renew') {
    if (!local || local.resellerId !== reseller.id)
      throw notFound('Domain not found in your account.', 'domain_not_found');
    if (!local.expiresAt)
      throw unprocessable('expiry_unknown', 'The domain has no known expiry: sync it first.');
    fromExpiresAt = local.expiresAt.toISOString();
  } else {
    if (local && local.resellerId !== reseller.id)
      throw notFound('Domain not found in your account.', 'domain_not_found');
    // A domain in the account (imported, or its transfer still to come) may be transferred in,
    // unless the registrar already holds it for us.
    if (local && (await registrarRead(() => deps.registrar.info(domain))))
      throw unprocessable('domain_unavailable', 'The domain is already at our registrar, in your account.');
  }

  const idempotencyKey = ctx.state['idempotencyKey'] as string | undefined;
  let orderKey: OrderKey;
  if (idempotencyKey) orderKey = { kind: 'idempotency', key: idempotencyKey };
  else if (req.action === 'renew') {
    const recent = await recentRenewal(deps.db, reseller.id, domain, req.years);
    if (recent) return respondWithOrder(deps, reseller.id, recent.workflowId, req, { replay: true });
    orderKey = { kind: 'natural', key: `renew:${domain}:${fromExpiresAt}`, concurrent: 'attach' };
  } else orderKey = { kind: 'natural', key: `${req.action}:${domain}`, concurrent: 'fail' };

  const input: OrderInput = {
    publicId: newPublicId('ord'),
    resellerId: reseller.id,
    action: req.action,
    domain,
    years: req.years,
    paymentMethod: req.paymentMethod,
    amountMinor: amount.toString(),
    currency,
    premium,
    idempotencyKey: idempotencyKey ?? null,
    fromExpiresAt,
    nameservers: req.nameservers ?? [],
    contacts: req.contacts ?? null,
    privacy: req.privacy ?? null,
    autoRenew: req.autoRenew ?? null,
    sealedAuthCode: req.authCode ? deps.secrets.seal(req.authCode) : null,
    invoiceExpiresAt: null,
    transferPollSeconds: deps.config.TRANSFER_POLL_SECONDS,
    gateway: req.gateway ?? null,
  };

  const outcome = await startOrder(
    deps.temporal,
    input,
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
      return respondWithOrder(deps, reseller.id, outcome.workflowId, req, { replay: true });
    case 'accepted':
      return respondWithOrder(deps, reseller.id, outcome.workflowId, req, { replay: false });
  }
}

const MESSAGES: Record<string, string> = {
  register: 'Domain registered successfully.',
  renew: 'Domain renewed successfully.',
  transfer: 'Domain transferred successfully.',
};

async function respondWithOrder(
  deps: AppDeps,
  resellerId: number,
  workflowId: string,
  req: OrderRequest,
  opts: { replay: boolean },
): Promise<OrderResponse> {
  const order = await findOrder(deps.db, { resellerId, workflowId });
  if (!order) throw new ApiError(500, 'internal_error', 'Unexpected server error.');
  const invoice = await invoiceForOrder(deps.db, order.id);
  const data: Record<string, unknown> = { order: presentOrder(order, invoice) };
  if (order.status === 'completed') {
    const domain = await Domain.query(deps.db).findOne({ name: order.domainName, resellerId });
    if (domain)
      data['domain'] = {
        id: domain.id,
        domain_name: domain.name,
        status: domain.status,
        expires_at: domain.expiresAt?.toISOString() ?? null,
      };
  }
  const location = `${req.ordersPath}/${order.publicId}`;
  if (order.status === 'completed') {
    return {
      status: opts.replay ? 200 : 201,
      message: MESSAGES[order.action] ?? 'Order completed.',
      data,
      location,
    };
  }
  if (order.status === 'billing_failed') {
    // Not a failure the reseller must act on: the registrar holds the domain, billing is in review.
    return {
      status: opts.replay ? 200 : 202,
      message: order.failureMessage ?? 'Under review.',
      data,
      location,
    };
  }
  if (order.status === 'failed' || order.status === 'cancelled') {
    if (opts.replay) return { status: 200, message: `The order ${order.status}.`, data, location };
    throw unprocessable(order.failureCode ?? 'order_failed', order.failureMessage ?? 'The order failed.');
  }
  if (order.status === 'awaiting_payment') {
    return {
      status: opts.replay ? 200 : 201,
      message: 'Invoice created; provisioning starts once it is paid.',
      data,
      location,
    };
  }
  return { status: 202, message: 'Order accepted and processing.', data, location };
}
