import type { Domain, Reseller } from '../db/models';
import { formatMinor } from '../money';
import { RegistrarError } from '../registrar/errors';
import { TimeoutError, withTimeout } from '../timeout';
import type { ContactRefs } from '../db/models';
import type { OrderAction, OrderInput, PaymentMethod } from '../../workflows/contracts';
import { amountField } from './amounts';
import type { ContactChoice } from './contacts';
import { NotOfferedError, type Quote, quote } from './catalog';
import type { CoreDeps } from './deps';
import { notFound, unprocessable } from './errors';
import { type PremiumPrice, premiumPrice, renewalQuote } from './premium';
import { registrarRead } from './registrar-read';

/*
 * What an order must pass before its workflow starts, one check per action, and the workflow
 * input built from what they found. placeOrder (services/orders.ts) runs them in that order.
 * Each check prices the order first: a TLD not offered is refused before anything else.
 */

const REGISTRAR_CHECK_TIMEOUT_MS = 5000;

/** An order as every surface maps it in. */
export interface OrderRequest {
  action: OrderAction;
  /** As the caller sent it (a name, or for transfers a portal ID); normalised here. */
  domain: string;
  /** The field the domain came in (`domain_name` on seed 003, `domain` on seed 000). */
  domainField: string;
  years: number;
  paymentMethod: PaymentMethod;
  /** Each role by a handle's ID or inline (saved as a handle); an admin not given is the registrant. */
  contacts?: { registrant: ContactChoice; admin?: ContactChoice | undefined } | undefined;
  nameservers?: string[] | undefined;
  privacy?: 'full' | 'partial' | 'off' | undefined;
  autoRenew?: boolean | undefined;
  authCode?: string | undefined;
  /** The premium price the caller accepts (decimal, reseller currency). */
  premiumPrice?: string | undefined;
  /** Invoice orders: where to create the payment (default: PAYMENT_GATEWAY). */
  gateway?: 'midtrans' | 'xendit' | undefined;
  /** The request's Idempotency-Key, when it sent one. */
  idempotencyKey?: string | undefined;
}

/** What the pre-checks settled: the amount, the registrar cost and, for a renewal, the expiry renewed from. */
export interface Priced {
  amount: bigint;
  cost: Quote['cost'];
  /** Set when the price came with its rate (premium); otherwise the rate as set now is taken. */
  exchangeRate: string | null;
  premium: boolean;
  fromExpiresAt: string | null;
}

export interface PreCheckArgs {
  deps: Pick<CoreDeps, 'db' | 'registrar'> & {
    config: Pick<CoreDeps['config'], 'PREMIUM_NAMES' | 'PREMIUM_MARGIN_BPS' | 'EXCHANGE_RATE_MAX_AGE_HOURS'>;
  };
  reseller: Reseller;
  req: OrderRequest;
  /** The normalised name and its TLD. */
  domain: string;
  tld: string;
  /** The domain's row here, in any reseller's account, if there is one. */
  local: Pick<Domain, 'resellerId' | 'expiresAt' | 'premium'> | null;
}

export type PreCheck = (a: PreCheckArgs) => Promise<Priced>;

const standard = (q: Quote): Priced => ({
  amount: q.totalMinor,
  cost: q.cost,
  exchangeRate: null,
  premium: false,
  fromExpiresAt: null,
});

/**
 * Register: not in any account here, free at the registrar; a premium name at the price the
 * caller accepted. A wallet order for a standard price (no `premium_price` sent) asks the
 * registrar nothing here: its registration is the availability check (one registrar call per
 * order, not two), and a taken or premium name fails the order with the same 422 and code
 * (`domain_unavailable`, `premium_price_required`) after its hold is released. An invoice order
 * asks first, so nobody is asked to pay for a name that cannot be had.
 */
export const checkRegister: PreCheck = async (a) => {
  const quoted = await price(a);
  if (a.local)
    throw unprocessable(
      'domain_unavailable',
      a.local.resellerId === a.reseller.id
        ? 'The domain is already in your account.'
        : 'The domain is not available.',
    );
  if (a.req.paymentMethod === 'wallet' && a.req.premiumPrice === undefined) return standard(quoted);
  const premium = await checkAvailable(a);
  if (premium === null) return standard(quoted);
  return {
    amount: premium.amountMinor,
    cost: premium.cost,
    exchangeRate: premium.rate,
    premium: true,
    fromExpiresAt: null,
  };
};

/**
 * Renew: a domain of this reseller with a known expiry (renewed from it). A premium name renews
 * at the registrar's renewal price for it (the premium policy applied), which the caller must
 * have accepted as for a registration; any other at the catalog's.
 */
export const checkRenew: PreCheck = async (a) => {
  const quoted = await price(a);
  if (!a.local || a.local.resellerId !== a.reseller.id)
    throw notFound('Domain not found in your account.', 'domain_not_found');
  if (!a.local.expiresAt)
    throw unprocessable('expiry_unknown', 'The domain has no known expiry: sync it first.');
  const fromExpiresAt = a.local.expiresAt.toISOString();
  if (!a.local.premium) return { ...standard(quoted), fromExpiresAt };
  const premium = await registrarRead(() =>
    renewalQuote(a.deps, {
      domain: { name: a.domain, premium: true },
      tld: a.tld,
      years: a.req.years,
      reseller: a.reseller,
    }),
  );
  acceptedPremium(a, premium.amountMinor, 'This is a premium name: it renews at its own price.');
  return {
    amount: premium.amountMinor,
    cost: premium.cost,
    exchangeRate: premium.rate,
    premium: true,
    fromExpiresAt,
  };
};

/** The caller sent `premium_price` and it is the price asked: 422 with the price otherwise. */
function acceptedPremium(a: Pick<PreCheckArgs, 'req' | 'reseller'>, amountMinor: bigint, what: string): void {
  const currency = a.reseller.currency.trim();
  const asked = formatMinor(amountMinor, currency);
  const priceIs = { premium_price: [`The premium price is ${asked} ${currency}.`] };
  if (a.req.premiumPrice === undefined)
    throw unprocessable(
      'premium_price_required',
      `${what} Send premium_price ${asked} to accept it.`,
      priceIs,
    );
  if (amountField(a.req.premiumPrice, currency, 'premium_price') !== amountMinor)
    throw unprocessable('premium_price_mismatch', `The premium price is ${asked} ${currency}.`, priceIs);
}

/**
 * Transfer in: not another reseller's; one in this account (imported, or its transfer still to
 * come) only while the registrar does not already hold it for us.
 */
export const checkTransfer: PreCheck = async (a) => {
  const quoted = await price(a);
  if (a.local && a.local.resellerId !== a.reseller.id)
    throw notFound('Domain not found in your account.', 'domain_not_found');
  if (a.local && (await registrarRead(() => a.deps.registrar.info(a.domain))))
    throw unprocessable('domain_unavailable', 'The domain is already at our registrar, in your account.');
  return standard(quoted);
};

export const PRE_CHECKS: Readonly<Record<OrderAction, PreCheck>> = {
  register: checkRegister,
  renew: checkRenew,
  transfer: checkTransfer,
};

/** The order workflow's input from the request and what the pre-checks settled. */
export function buildOrderInput(a: {
  publicId: string;
  reseller: Pick<Reseller, 'id' | 'currency'>;
  req: OrderRequest;
  domain: string;
  priced: Priced;
  sealedAuthCode: string | null;
  /** The contact handles the order names (its steps read them from the database). */
  contactRefs: ContactRefs | null;
  config: Pick<CoreDeps['config'], 'TRANSFER_POLL_SECONDS' | 'TRANSFER_DEADLINE_HOURS'>;
}): OrderInput {
  const { req, priced } = a;
  return {
    publicId: a.publicId,
    resellerId: a.reseller.id,
    action: req.action,
    domain: a.domain,
    years: req.years,
    paymentMethod: req.paymentMethod,
    amountMinor: priced.amount.toString(),
    currency: a.reseller.currency.trim(),
    costMinor: priced.cost ? priced.cost.amountMinor.toString() : null,
    costCurrency: priced.cost?.currency ?? null,
    exchangeRate: priced.exchangeRate,
    premium: priced.premium,
    idempotencyKey: req.idempotencyKey ?? null,
    fromExpiresAt: priced.fromExpiresAt,
    nameservers: req.nameservers ?? [],
    // The people stay out of the run's history: its steps read the handles from Postgres.
    contacts: null,
    ...(a.contactRefs ? { contactRefs: a.contactRefs } : {}),
    privacy: req.privacy ?? null,
    autoRenew: req.autoRenew ?? null,
    sealedAuthCode: a.sealedAuthCode,
    invoiceExpiresAt: null,
    transferPollSeconds: a.config.TRANSFER_POLL_SECONDS,
    transferDeadlineHours: a.config.TRANSFER_DEADLINE_HOURS,
    gateway: req.gateway ?? null,
    stepsVersion: 2,
  };
}

/** The catalog price of the order, markup included (and its registrar cost); 422 not_offered otherwise. */
async function price({ deps, reseller, req, tld }: PreCheckArgs): Promise<Quote> {
  try {
    const q = await quote(deps.db, {
      tld,
      action: req.action,
      years: req.years,
      currency: reseller.currency.trim(),
      markupBps: reseller.markupBps,
    });
    return q;
  } catch (err) {
    if (err instanceof NotOfferedError)
      throw unprocessable('not_offered', err.message, { [req.domainField]: [err.message] });
    throw err;
  }
}

/**
 * Asks the registrar whether the name is free: 422 when it is not. For a premium name, returns
 * its price (from the registrar's answer: converted, the premium margin, the reseller's markup),
 * which the caller must have accepted; null for a standard one.
 */
async function checkAvailable({
  deps,
  reseller,
  req,
  domain,
  tld,
}: PreCheckArgs): Promise<PremiumPrice | null> {
  const [found] =
    (await withTimeout(deps.registrar.search([domain]), REGISTRAR_CHECK_TIMEOUT_MS).catch((err: unknown) => {
      // Unknown availability is not a refusal: the order workflow checks again before creating.
      if (err instanceof RegistrarError || err instanceof TimeoutError) return undefined;
      throw err;
    })) ?? [];
  if (found && !found.available) throw unprocessable('domain_unavailable', 'The domain is not available.');
  if (!found?.premium) return null;
  if (!found.price)
    throw unprocessable('premium_not_offered', 'The registrar gave no price for this premium name.');
  const premium = await premiumPrice(deps, {
    tld,
    years: req.years,
    registrarPrice: found.price,
    registrarCurrency: deps.registrar.currency,
    reseller,
  });
  acceptedPremium({ req, reseller }, premium.amountMinor, 'This is a premium name.');
  return premium;
}
