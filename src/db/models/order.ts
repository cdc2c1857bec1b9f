import type { ContactIds } from '../../registrar/types';
import type { ContactRefs } from './contact';
import type { ContactInput, OrderAction, OrderStatus, PaymentMethod } from '../../vocabulary';

/** What the registrar holds once the order's registrar steps are done (stored before billing). */
export interface RegistrarResult {
  expiresAt: string | null;
  /** Registrations and transfers: the privacy the registrar holds after the privacy step. */
  privacy?: 'full' | 'partial' | 'off' | null;
  /** Registrations: the nameservers the registrar holds after the nameserver step. */
  nameservers?: string[] | null;
}

/** What the order asked for beyond its action and domain (`orders.request`). */
export interface OrderRequestDetails {
  nameservers?: string[];
  /** Orders from before contact handles: the people themselves. */
  contacts?: { registrant: ContactInput; admin: ContactInput } | null;
  /** The contact handles the order names (`contacts.id`). */
  contactRefs?: ContactRefs | null;
  privacy?: 'full' | 'partial' | 'off' | null;
  autoRenew?: boolean | null;
}

/** A row of `orders` as knex reads it (camelCase; bigint as string; char(3) padded). */
export interface OrderRow {
  id: number;
  publicId: string;
  resellerId: number;
  action: OrderAction;
  domainName: string;
  years: number;
  status: OrderStatus;
  paymentMethod: PaymentMethod;
  amountMinor: string;
  currency: string;
  workflowId: string;
  idempotencyKey: string | null;
  premium: boolean;
  request: OrderRequestDetails;
  registrarResult: RegistrarResult | null;
  /** The registrar contacts this order created (reused when its registration is retried). */
  registrarContacts: ContactIds | null;
  /** What the registrar charges for the order, in the registrar account's currency (null: not known). */
  costMinor: string | null;
  costCurrency: string | null;
  /** The exchange rate that priced a premium name (registrar currency → order currency). */
  exchangeRate: string | null;
  /** Transfers: the transfer's state at the registrar (TransferState). */
  transferStatus: string | null;
  /** Registrations: when a register call was last sent whose answer may have been lost. */
  registerSentAt: Date | null;
  /** Transfers: the sealed auth code, until the transfer ends. */
  authCode: string | null;
  fromExpiresAt: Date | null;
  domainId: number | null;
  /** 1, then one more for every `domains:retry-provisioning` resume. */
  attempt: number;
  failureCode: string | null;
  failureMessage: string | null;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
}
