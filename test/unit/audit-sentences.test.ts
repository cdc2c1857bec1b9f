import { describe, expect, it } from 'vitest';
import { AUDIT_TYPES, auditSentence } from '../../src/portal/console/sentences';

/*
 * Each audit type as the service that records it writes its data (src/services/*.ts, activities/*.ts),
 * and the sentence the console's audit page says for it.
 */
const EVENTS: Record<
  (typeof AUDIT_TYPES)[number],
  [actor: string, subject: string, data: unknown, sentence: string]
> = {
  admin_created: [
    'cli:root',
    '4',
    { after: { email: 'ops@example.test', name: 'Ops' } },
    'root at the CLI created operator #4 “Ops” (ops@example.test).',
  ],
  admin_token_issued: [
    'cli:root',
    'dra_ab12',
    { after: { admin_id: 4, abilities: ['resellers.read', 'wallets.adjust'], expires_at: null } },
    'root at the CLI issued admin token dra_ab12 to operator #4 with resellers.read, wallets.adjust.',
  ],
  api_key_regenerated: [
    'reseller:13',
    'drk_new1',
    {
      before: { prefix: 'drk_old1', kind: 'api_key', name: 'API key' },
      after: { prefix: 'drk_new1', kind: 'api_key', replaced_revoked_at: '2026-12-06T10:00:00.000Z' },
    },
    'Reseller #13 regenerated the API key of reseller #13: the new key is drk_new1; the old key drk_old1 works until 2026-12-06T10:00:00.000Z.',
  ],
  api_whitelist_changed: [
    'reseller:13',
    '13',
    { before: ['127.0.0.1'], after: ['127.0.0.1', '198.51.100.0/24'] },
    'Reseller #13 set the API address whitelist of reseller #13 to 127.0.0.1, 198.51.100.0/24 (was 127.0.0.1).',
  ],
  audit_event_acknowledged: [
    'admin:3',
    '99',
    { acknowledged_type: 'payment_mismatch', note: 'refunded by hand' },
    'Operator #3 acknowledged event #99 (payment mismatch): refunded by hand.',
  ],
  billing_failed: [
    'system',
    'ord_1',
    { error: 'the ledger refused this capture' },
    'Order ord_1 was registered, but charging it failed: the ledger refused this capture',
  ],
  catalog_price_deleted: [
    'admin:3',
    'io/transfer/IDR',
    { before: { price: '575856', active: true, min_years: 1, max_years: 10 } },
    'Operator #3 deleted the price io/transfer/IDR (was 575856).',
  ],
  catalog_prices_set: [
    'admin:3',
    'console',
    {
      changes: [
        { tld: 'com', action: 'register', currency: 'USD', change: 'changed', after: { price: '12.99' } },
      ],
    },
    'Operator #3 set 1 price (console): .com register 12.99 USD.',
  ],
  credential_issued: [
    'reseller:13',
    'drt_ab12',
    { after: { prefix: 'drt_ab12', kind: 'token', name: 'billing sync', abilities: ['billing.read'] } },
    'Reseller #13 issued the token drt_ab12 (“billing sync”) of reseller #13.',
  ],
  credential_revoked: [
    'admin:3',
    'drt_ab12',
    {
      before: { prefix: 'drt_ab12', kind: 'token', name: 'billing sync', revoked_at: null },
      after: {
        prefix: 'drt_ab12',
        kind: 'token',
        name: 'billing sync',
        revoked_at: '2026-12-05T03:00:00.000Z',
      },
    },
    'Operator #3 revoked the token drt_ab12 (“billing sync”) of reseller #13.',
  ],
  exchange_rate_set: [
    'admin:3',
    'USD/IDR',
    { before: { rate: '16000', set_at: '2026-12-01T00:00:00.000Z' }, after: { rate: '16250' } },
    'Operator #3 set the exchange rate USD → IDR to 16250 (was 16000).',
  ],
  late_payment: [
    'system',
    'inv_1',
    { gateway: 'midtrans', amount_minor: '288000', currency: 'IDR', invoice_status: 'expired' },
    "Midtrans paid 288,000 IDR for invoice inv_1, which was already expired; the money was credited to the reseller's wallet.",
  ],
  markup_tier_set: [
    'admin:3',
    'gold',
    { before: { markup_bps: 1500 }, after: { markup_bps: 1250 }, resellers_updated: 4 },
    'Operator #3 set markup tier “gold” to 12.5%, updating 4 resellers.',
  ],
  nameservers_not_applied: [
    'system',
    'ord_2',
    { domain_name: 'example.com', requested: ['ns1.example.net', 'ns2.example.net'], error: 'invalid host' },
    'example.com (order ord_2) was registered, but the registrar refused the nameservers ns1.example.net, ns2.example.net: invalid host',
  ],
  password_set: ['reseller:13', '13', {}, 'Reseller #13 set the password of reseller #13.'],
  payment_mismatch: [
    'system',
    'inv_2',
    {
      received: { gateway: 'xendit', amount_minor: '100', currency: 'USD' },
      expected: { amount_minor: '1299', currency: 'USD' },
    },
    'Xendit paid 1.00 USD for invoice inv_2 that expects 12.99 USD; the payment was not applied.',
  ],
  premium_policy_set: [
    'admin:3',
    'premium/io',
    { before: null, after: { allowed: true, margin_bps: 1000 } },
    'Operator #3 allowed premium names of .io at a 10% margin.',
  ],
  privacy_not_applied: [
    'system',
    'ord_3',
    { domain_name: 'example.org', requested: 'full', error: 'privacy unavailable' },
    'example.org (order ord_3) completed, but the registrar did not apply the privacy setting: privacy unavailable',
  ],
  reconciliation: [
    'system',
    'ord_4',
    {
      action: 'register',
      domain_name: 'example.net',
      amount_minor: '1499',
      currency: 'USD',
      payment_method: 'wallet',
      registrar_expires_at: '2027-12-05T00:00:00.000Z',
      ledger_entries: [],
    },
    "Order ord_4 (register example.net, 14.99 USD by wallet) completed; the registrar's expiry 2027-12-05T00:00:00.000Z and its ledger entries were recorded.",
  ],
  registrar_drift: [
    'system',
    'example.com',
    { drift: { expires_at: { local: '2027-01-01', registrar: '2028-01-01' } } },
    'example.com: expires_at was 2027-01-01 here and is 2028-01-01 at the registrar (now taken from the registrar).',
  ],
  reseller_created: [
    'admin:3',
    '13',
    { after: { name: 'Acme', email: 'acme@example.test', currency: 'IDR' } },
    'Operator #3 created reseller #13 “Acme” (acme@example.test), billed in IDR.',
  ],
  reseller_reactivated: [
    'admin:3',
    '13',
    { before: { status: 'suspended' }, after: { status: 'active' } },
    'Operator #3 reactivated reseller #13.',
  ],
  reseller_suspended: [
    'admin:3',
    '13',
    { before: { status: 'active' }, after: { status: 'suspended' }, reason: 'unpaid invoices' },
    'Operator #3 suspended reseller #13: unpaid invoices.',
  ],
  reseller_updated: [
    'admin:3',
    '13',
    {
      before: { name: 'Acme', email: 'a@example.test' },
      after: { name: 'Acme Ltd', email: 'a@example.test' },
    },
    'Operator #3 changed reseller #13: name Acme → Acme Ltd.',
  ],
  review_resolved: [
    'admin:3',
    'ord_5',
    { resolution: 'capture', reason: 'registrar holds it', status: 'completed' },
    'Operator #3 resolved order ord_5 by capturing its charge: registrar holds it.',
  ],
  transfer_stuck: [
    'system',
    'ord_6',
    { domain_name: 'example.io', submitted_at: '2026-11-20', transfer_status: 'pending' },
    'The transfer of example.io (order ord_6), submitted 2026-11-20, is still pending past its deadline; its funds stay held.',
  ],
  wallet_adjusted: [
    'admin:3',
    '77',
    {
      direction: 'debit',
      amount: '1250000',
      currency: 'IDR',
      reason: 'chargeback',
      before: { posted: '2000000', available: '2000000' },
      after: { posted: '750000', available: '750000' },
    },
    'Operator #3 debited 1,250,000 IDR from the wallet of reseller #13 (chargeback); the balance went from 2,000,000 to 750,000 IDR.',
  ],
};

describe('the audit trail in sentences', () => {
  it.each(AUDIT_TYPES.map((t) => [t, ...EVENTS[t]] as const))(
    '%s reads as a sentence',
    (type, actor, subjectId, data, sentence) => {
      const said = auditSentence({
        type,
        actor,
        resellerId: 13,
        subjectType: type === 'password_set' ? 'reseller' : 'subject',
        subjectId,
        data: data as Record<string, unknown>,
      });
      expect(said).toBe(sentence);
      expect(said).not.toMatch(/[{}[\]"]/);
    },
  );
});
