import { z } from 'zod';
import { DNS_RECORD_TYPES } from '../../workflows/contracts';
import { TransferJson } from './transfer.schema';

/* The presented objects: one zod schema each; presenters are typed with them, routes name them in `answers()`, and OpenAPI is generated from them. */

const iso = z.iso.datetime({ offset: true });
const isoOrNull = iso.nullable();

export const MoneyJson = z
  .object({
    currency: z.string().length(3),
    amount_minor: z
      .string()
      .regex(/^-?\d+$/)
      .describe('Integer minor units (never a float).'),
    amount: z
      .string()
      .regex(/^-?\d+(\.\d+)?$/)
      .describe('Decimal for display.'),
  })
  .meta({ id: 'Money' });

export const InvoiceJson = z
  .object({
    id: z.string(),
    status: z.enum(['unpaid', 'paid', 'expired', 'cancelled']),
    amount: MoneyJson,
    gateway: z.string().nullable(),
    payment_url: z.string().nullable(),
    expires_at: iso,
    paid_at: isoOrNull,
  })
  .meta({ id: 'Invoice' });

export const OrderJson = z
  .object({
    id: z.string(),
    action: z.enum(['register', 'renew', 'transfer']),
    domain_name: z.string(),
    years: z.int(),
    status: z.enum([
      'pending',
      'awaiting_payment',
      'processing',
      'completed',
      'failed',
      'cancelled',
      'billing_failed',
    ]),
    payment_method: z.enum(['wallet', 'invoice']),
    amount: MoneyJson,
    failure: z.object({ code: z.string(), message: z.string().nullable() }).nullable(),
    transfer: TransferJson.nullable().describe('Transfers: the state at the registrar and what to do.'),
    invoice: InvoiceJson.nullable(),
    created_at: isoOrNull,
    completed_at: isoOrNull,
  })
  .meta({ id: 'Order' });

export const OrderDomainJson = z
  .object({ id: z.int(), domain_name: z.string(), status: z.string(), expires_at: isoOrNull })
  .meta({ id: 'OrderDomain' });

export const OrderAnswer = z.object({ order: OrderJson, domain: OrderDomainJson.optional() });

export const DomainJson = z
  .object({
    id: z.int(),
    domain_name: z.string(),
    status: z.string(),
    registered_at: isoOrNull,
    expires_at: isoOrNull,
    auto_renew: z.boolean(),
    privacy: z.string(),
    locked: z.boolean(),
    nameservers: z.array(z.string()),
  })
  .meta({ id: 'Domain' });

export const Pagination = z
  .object({ limit: z.int(), next_cursor: z.string().nullable() })
  .meta({ id: 'Pagination' });

export const RecordTypeJson = z.enum(DNS_RECORD_TYPES);

export const SearchRowJson = z
  .object({
    domain_name: z.string(),
    available: z.boolean().nullable(),
    premium: z.boolean(),
    prices: z.record(z.string(), MoneyJson).nullable(),
    reason: z.string().optional().describe('Why the name could not be checked (invalid, or a TLD not sold).'),
  })
  .meta({ id: 'SearchResult' });

export const WalletJson = z.object({ balance: MoneyJson, held: MoneyJson, available: MoneyJson });

export const WebhookJson = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    disabled_reason: z.string().nullable(),
    created_at: iso,
  })
  .meta({ id: 'WebhookEndpoint' });

export const DeliveryJson = z
  .object({
    event_id: z.string(),
    type: z.string(),
    status: z.enum(['pending', 'delivered', 'failed', 'disabled']),
    attempts: z.int(),
    last_attempt_at: isoOrNull,
    delivered_at: isoOrNull,
    last_response: z
      .object({
        status_code: z.int().nullable(),
        latency_ms: z.int().nullable(),
        excerpt: z.string().nullable(),
        error: z.string().nullable(),
      })
      .nullable(),
  })
  .meta({ id: 'WebhookDelivery' });

export const CredentialJson = z
  .object({
    id: z.string(),
    kind: z.enum(['api_key', 'token', 'admin_token']),
    name: z.string(),
    prefix: z.string(),
    abilities: z.array(z.string()),
    ip_allowlist: z.array(z.string()),
    status: z.enum(['live', 'revoking', 'revoked', 'expired']),
    created_at: isoOrNull,
    last_used_at: isoOrNull,
    expires_at: isoOrNull,
    revoked_at: isoOrNull,
  })
  .meta({ id: 'Credential' });

export const IssuedJson = z.object({
  credential: CredentialJson,
  secret: z.string().describe('Shown this once; only its hash is stored.'),
});

export const RegeneratedJson = IssuedJson.extend({
  replaced: z.object({ id: z.string(), revoked_at: iso }).nullable(),
});

export const ApiLogJson = z
  .object({
    id: z.string(),
    request_id: z.string(),
    reseller_id: z.int().nullable(),
    credential_id: z.int().nullable(),
    method: z.string(),
    path: z.string(),
    route: z.string().nullable(),
    status: z.int(),
    ip: z.string().nullable(),
    duration_ms: z.int(),
    error_code: z.string().nullable(),
    created_at: isoOrNull,
  })
  .meta({ id: 'ApiLog' });

export const ApiLogDetailJson = ApiLogJson.extend({
  request_headers: z.unknown(),
  request_query: z.unknown(),
  request_body: z.unknown(),
  response_body: z.unknown(),
}).meta({ id: 'ApiLogDetail' });

export const AuditEventJson = z
  .object({
    id: z.string(),
    type: z.string(),
    actor: z.string().nullable(),
    reseller_id: z.int().nullable(),
    subject_type: z.string().nullable(),
    subject_id: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
    created_at: isoOrNull,
    acknowledged_at: isoOrNull,
    acknowledged_by: z.string().nullable(),
  })
  .meta({ id: 'AuditEvent' });

export const LedgerEntryJson = z
  .object({
    id: z.string(),
    kind: z.enum(['topup', 'hold', 'refund', 'invoice_payment', 'adjustment']),
    status: z.enum(['pending', 'posted', 'voided']),
    amount: MoneyJson,
    description: z.string().nullable(),
    created_at: isoOrNull,
    posted_at: isoOrNull,
  })
  .meta({ id: 'LedgerEntry' });

export const StatementJson = z
  .object({
    currency: z.string(),
    from: isoOrNull,
    until: isoOrNull,
    opening_balance: MoneyJson,
    closing_balance: MoneyJson,
    transactions: z.array(
      LedgerEntryJson.extend({
        order_id: z.string().nullable(),
        invoice_id: z.string().nullable(),
        balance_after: MoneyJson,
      }),
    ),
    holds: z.array(LedgerEntryJson.extend({ order_id: z.string().nullable() })),
    pagination: z.object({ next_cursor: z.string().nullable() }),
  })
  .meta({ id: 'Statement' });

export const ResellerJson = z
  .object({
    id: z.int(),
    name: z.string(),
    email: z.string(),
    status: z.enum(['active', 'suspended']),
    currency: z.string(),
    markup: z.string(),
    markup_bps: z.int(),
    api_ip_allowlist: z.array(z.string()),
    created_at: iso,
  })
  .meta({ id: 'Reseller' });

export const ResellerOverviewJson = ResellerJson.extend({
  markup_tier: z.string().nullable(),
  wallet: WalletJson,
  domains: z.int(),
  open_orders: z.int(),
  live_credentials: z.int(),
}).meta({ id: 'ResellerOverview' });

const priceShown = z.object({
  price: z.string(),
  active: z.boolean(),
  min_years: z.int(),
  max_years: z.int(),
});

export const PriceChangesJson = z
  .object({
    dry_run: z.boolean(),
    summary: z.object({ added: z.int(), changed: z.int(), unchanged: z.int() }),
    changes: z.array(
      z.object({
        tld: z.string(),
        action: z.enum(['register', 'renew', 'transfer']),
        currency: z.string(),
        change: z.enum(['added', 'changed', 'unchanged']),
        before: priceShown.nullable(),
        after: priceShown,
      }),
    ),
  })
  .meta({ id: 'PriceChanges' });

export const PriceJson = z
  .object({
    tld: z.string(),
    action: z.enum(['register', 'renew', 'transfer']),
    currency: z.string(),
    price: z.string(),
    price_minor: z.string(),
    active: z.boolean(),
    min_years: z.int(),
    max_years: z.int(),
    updated_at: iso,
  })
  .meta({ id: 'Price' });

export const TierJson = z
  .object({ name: z.string(), markup: z.string(), markup_bps: z.int(), resellers: z.int().optional() })
  .meta({ id: 'MarkupTier' });

export const AdminOrderJson = OrderJson.extend({
  reseller_id: z.int(),
  workflow_url: z.string().describe("The order's workflow in the Temporal UI."),
}).meta({ id: 'AdminOrder' });

export const OperationJson = z.object({
  id: z.string(),
  status: z.enum(['processing', 'completed', 'failed']),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

export const WhitelistJson = z.object({
  ips: z.array(z.string()),
  blocks_all: z
    .boolean()
    .describe('True when the list is empty: /api/v1 and the legacy API refuse every credential.'),
});

/** An order answer: 201 done (or invoice issued), 202 processing or in review, 200 placed earlier. */
export const ORDER_ANSWERS = { 200: OrderAnswer, 201: OrderAnswer, 202: OrderAnswer };

const ContactJson = z.object({
  name: z.string(),
  organization: z.string().optional(),
  address1: z.string(),
  address2: z.string().optional(),
  city: z.string(),
  state: z.string().optional(),
  postcode: z.string(),
  country: z.string(),
  phone: z.string(),
  email: z.string(),
});

export const ContactsJson = z
  .object({ registrant: ContactJson, admin: ContactJson })
  .meta({ id: 'Contacts' });

export const PrivacyJson = z.object({ enabled: z.boolean(), privacy: z.string() });

export const StatusJson = z.object({
  account: z.object({ id: z.int(), name: z.string(), email: z.string(), status: z.string() }),
  wallet: WalletJson.extend({ currency: z.string() }),
  summary: z.object({ domains: z.int() }),
});

export const AccountJson = z.object({
  account: z.object({
    id: z.int(),
    name: z.string(),
    email: z.string(),
    status: z.string(),
    currency: z.string(),
    api_ip_allowlist: z.array(z.string()),
  }),
  wallet: WalletJson,
});

export const WebhookTestJson = z.object({
  event_id: z.string(),
  outcome: z.enum(['delivered', 'failed', 'disabled', 'refused', 'pending']),
  response: z
    .object({
      status_code: z.int().nullable(),
      latency_ms: z.int().nullable(),
      excerpt: z.string().nullable(),
      error: z.string().nullable(),
      delivered: z.boolean(),
    })
    .nullable(),
});

export const MeJson = z.object({
  admin: z.object({ id: z.int(), email: z.string(), name: z.string() }),
  credential: z.object({ id: z.string(), abilities: z.array(z.string()) }),
});

export const ReviewQueueJson = z.object({
  orders: z.array(AdminOrderJson.extend({ failed_at: iso, error: z.string().nullable() })),
  events: z.array(AuditEventJson),
  pagination: Pagination,
});
