export { Admin, type AdminStatus } from './admin';
export { ApiCredential, type CredentialKind } from './api-credential';
export { ApiLog } from './api-log';
export { AuditEvent } from './audit-event';
export type { CatalogPriceRow } from './catalog-price';
export type { DnsRecordRow, DnsZoneBefore, DnsZoneRow } from './dns';
export type { ContactRefs, ContactRow } from './contact';
export { Domain, type RenewalHeld } from './domain';
export type { IdempotencyRecordRow } from './idempotency-record';
export type { InvoiceRow } from './invoice';
export type { LedgerEntryKind, LedgerEntryRow, LedgerEntryStatus } from './ledger-entry';
export type { MarkupTierRow } from './markup-tier';
export type { OrderRequestDetails, OrderRow, RegistrarResult } from './order';
export type { CallbackVerdict, PaymentCallbackRow, PaymentRow } from './payment';
export { Reseller, type ResellerRole, type ResellerStatus } from './reseller';
export type {
  EventRow,
  WebhookDeliveryRow,
  WebhookEndpointRow,
  WebhookJobRow,
  WebhookJobStatus,
} from './webhook';
