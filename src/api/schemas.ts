import { z } from 'zod';
import { DNS_RECORD_TYPES } from '../../workflows/contracts';
import { iso, isoOrNull, MoneyJson } from '../views/json';
import { AuditEventJson } from '../views/account';
import { OrderAnswer, OrderJson } from '../views/orders';

export { MoneyJson } from '../views/json';
export { InvoiceJson, OrderAnswer, OrderDomainJson, OrderJson, TransferJson } from '../views/orders';
export {
  ApiLogDetailJson,
  ApiLogJson,
  AuditEventJson,
  CredentialJson,
  IssuedJson,
  LedgerEntryJson,
  RegeneratedJson,
  StatementJson,
} from '../views/account';

/* The presented objects: one zod schema each (the order and account views beside their presenters in src/views); presenters are typed with them, routes name them in `answers()`, and OpenAPI is generated from them. */

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
