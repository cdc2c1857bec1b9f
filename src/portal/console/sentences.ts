import type { AuditEvent } from '../../db/models';
import { groupDecimal, groupMinor } from '../../money';

const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
/** A scalar of the event's data as text (objects shown as JSON, nothing as a dash). */
const text = (v: unknown): string =>
  v === null || v === undefined
    ? '—'
    : typeof v === 'object'
      ? JSON.stringify(v)
      : String(v as string | number | boolean);
const GATEWAY: Record<string, string> = { midtrans: 'Midtrans', xendit: 'Xendit', wallet: 'The wallet' };
const gatewayName = (g: unknown) => GATEWAY[text(g)] ?? (g ? text(g) : 'A gateway');

/** `288000` IDR → `288,000 IDR`; `1234567` USD → `12,345.67 USD`: for people, with thousands grouped. */
export function displayMoney(minor: unknown, currency: unknown): string {
  const code = text(currency).trim();
  try {
    return `${groupMinor(BigInt(text(minor)), code)} ${code}`;
  } catch {
    return `${text(minor)} ${code} (minor units)`;
  }
}

/** What a review event says, as one sentence an operator reads without the raw data. */
export function reviewSentence(e: Pick<AuditEvent, 'type' | 'subjectType' | 'subjectId' | 'data'>): string {
  const d = obj(e.data);
  const subject = e.subjectId ?? '';
  switch (e.type) {
    case 'payment_mismatch': {
      const got = obj(d['received']);
      const want = obj(d['expected']);
      return `${gatewayName(got['gateway'])} paid ${displayMoney(got['amount_minor'], got['currency'])} for invoice ${subject} that expects ${displayMoney(want['amount_minor'], want['currency'])}; the payment was not applied.`;
    }
    case 'late_payment':
      return `${gatewayName(d['gateway'])} paid ${displayMoney(d['amount_minor'], d['currency'])} for invoice ${subject}, which was already ${text(d['invoice_status'])}; the money was credited to the reseller's wallet.`;
    case 'registrar_drift': {
      const drift = obj(d['drift']);
      const parts = Object.entries(drift).map(([field, v]) => {
        const pair = obj(v);
        return `${field} was ${text(pair['local'])} here and is ${text(pair['registrar'])} at the registrar`;
      });
      return `${subject}: ${parts.join('; ') || 'the registrar holds something else'} (now taken from the registrar).`;
    }
    case 'transfer_stuck':
      return `The transfer of ${text(d['domain_name'])} (order ${subject}), submitted ${text(d['submitted_at'])}, is still ${text(d['transfer_status'])} past its deadline; its funds stay held.`;
    case 'nameservers_not_applied':
      return `${text(d['domain_name'])} (order ${subject}) was registered, but the registrar refused the nameservers ${Array.isArray(d['requested']) ? d['requested'].join(', ') : '—'}: ${text(d['error'])}`;
    case 'billing_failed':
      return `Order ${subject} was registered, but charging it failed: ${text(d['error'])}`;
    default:
      return `${e.type.replace(/_/g, ' ')} on ${e.subjectType ?? 'subject'} ${subject}.`;
  }
}

/** `admin:3` → `Operator #3`; `reseller:13` → `Reseller #13`; `cli:root` → `root at the CLI`. */
export function actorName(actor: string | null): string {
  if (!actor || actor === 'system') return 'The system';
  const [kind, who = ''] = actor.split(/:(.*)/s);
  if (kind === 'admin') return `Operator #${who}`;
  if (kind === 'reseller') return `Reseller #${who}`;
  if (kind === 'cli') return `${who} at the CLI`;
  return actor;
}

const list = (v: unknown) => (Array.isArray(v) && v.length > 0 ? v.map(text).join(', ') : 'nothing');
/** The credential named by its kind and prefix: `API key dr_live_ab12`. */
const credential = (v: unknown, prefix: string) => {
  const c = obj(v);
  const kind = ({ api_key: 'API key', token: 'token', admin_token: 'admin token' } as Record<string, string>)[
    text(c['kind'])
  ];
  return `${kind ?? 'credential'} ${prefix}${c['name'] ? ` (“${text(c['name'])}”)` : ''}`;
};
/** Changed fields of a before/after pair, as `name: old → new`. */
function changes(before: unknown, after: unknown): string {
  const b = obj(before);
  const a = obj(after);
  const parts = Object.keys(a)
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((k) => `${k.replace(/_/g, ' ')} ${text(b[k])} → ${text(a[k])}`);
  return parts.join('; ') || 'nothing visible';
}
/** A decimal string as stored (`"1234.50"`) with thousands grouped (`1,234.50`). */
const grouped = (v: unknown) => groupDecimal(text(v));
const pct = (bps: unknown) => `${(Number(text(bps)) / 100).toString()}%`;

/** Every type the audit trail records, as the filter offers them. */
export const AUDIT_TYPES = [
  'admin_created',
  'admin_token_issued',
  'api_key_regenerated',
  'api_whitelist_changed',
  'audit_event_acknowledged',
  'billing_failed',
  'catalog_price_deleted',
  'catalog_prices_set',
  'credential_issued',
  'credential_revoked',
  'exchange_rate_set',
  'late_payment',
  'markup_tier_set',
  'nameservers_not_applied',
  'password_set',
  'payment_mismatch',
  'premium_policy_set',
  'privacy_not_applied',
  'reconciliation',
  'registrar_drift',
  'reseller_created',
  'reseller_reactivated',
  'reseller_suspended',
  'reseller_updated',
  'review_resolved',
  'transfer_stuck',
  'wallet_adjusted',
] as const;

/**
 * What an audit event says, as one sentence: who did what to which subject, with money formatted.
 * Review events (payment mismatches, drift, …) read as in the review queue.
 */
export function auditSentence(
  e: Pick<AuditEvent, 'type' | 'actor' | 'resellerId' | 'subjectType' | 'subjectId' | 'data'>,
): string {
  const d = obj(e.data);
  const who = actorName(e.actor);
  const subject = e.subjectId ?? '';
  const before = d['before'];
  const after = obj(d['after']);
  const reseller = e.resellerId === null ? '' : ` of reseller #${e.resellerId}`;
  switch (e.type) {
    case 'reseller_created':
      return `${who} created reseller #${subject} “${text(after['name'])}” (${text(after['email'])}), billed in ${text(after['currency'])}.`;
    case 'reseller_updated':
      return `${who} changed reseller #${subject}: ${changes(before, after)}.`;
    case 'reseller_suspended':
    case 'reseller_reactivated':
      return `${who} ${e.type === 'reseller_suspended' ? 'suspended' : 'reactivated'} reseller #${subject}${d['reason'] ? `: ${text(d['reason'])}` : ''}.`;
    case 'wallet_adjusted':
      return `${who} ${d['direction'] === 'debit' ? 'debited' : 'credited'} ${grouped(d['amount'])} ${text(d['currency'])} ${d['direction'] === 'debit' ? 'from' : 'to'} the wallet${reseller} (${text(d['reason'])}); the balance went from ${grouped(obj(before)['posted'])} to ${grouped(after['posted'])} ${text(d['currency'])}.`;
    case 'credential_issued':
      return `${who} issued the ${credential(after, subject)}${reseller}.`;
    case 'credential_revoked':
      return `${who} revoked the ${credential(before, subject)}${reseller}.`;
    case 'api_key_regenerated': {
      const old = obj(before);
      const until = after['replaced_revoked_at'];
      return `${who} regenerated the API key${reseller}: the new key is ${subject}${old['prefix'] ? `; the old key ${text(old['prefix'])} works until ${text(until)}` : ''}.`;
    }
    case 'api_whitelist_changed':
      return `${who} set the API address whitelist${reseller} to ${list(d['after'])} (was ${list(before)}).`;
    case 'password_set':
      return `${who} set the password of ${e.subjectType === 'admin' ? 'operator' : 'reseller'} #${subject}.`;
    case 'admin_created':
      return `${who} created operator #${subject} “${text(after['name'])}” (${text(after['email'])}).`;
    case 'admin_token_issued':
      return `${who} issued admin token ${subject} to operator #${text(after['admin_id'])} with ${list(after['abilities'])}.`;
    case 'catalog_prices_set': {
      const set = Array.isArray(d['changes']) ? (d['changes'] as unknown[]).map(obj) : [];
      const named = set
        .slice(0, 5)
        .map(
          (c) =>
            `.${text(c['tld'])} ${text(c['action'])} ${text(obj(c['after'])['price'])} ${text(c['currency'])}`,
        );
      return `${who} set ${set.length} price${set.length === 1 ? '' : 's'} (${subject}): ${named.join(', ') || 'none'}${set.length > 5 ? ', …' : ''}.`;
    }
    case 'catalog_price_deleted':
      return `${who} deleted the price ${subject} (was ${text(obj(before)['price'])}).`;
    case 'markup_tier_set':
      return `${who} set markup tier “${subject}” to ${pct(after['markup_bps'])}${d['resellers_updated'] ? `, updating ${text(d['resellers_updated'])} resellers` : ''}.`;
    case 'exchange_rate_set':
      return `${who} set the exchange rate ${subject.replace('/', ' → ')} to ${text(after['rate'])}${before ? ` (was ${text(obj(before)['rate'])})` : ''}.`;
    case 'premium_policy_set':
      return `${who} ${after['allowed'] ? 'allowed' : 'refused'} premium names of .${subject.replace('premium/', '')} at a ${pct(after['margin_bps'])} margin.`;
    case 'audit_event_acknowledged':
      return `${who} acknowledged event #${subject} (${text(d['acknowledged_type']).replace(/_/g, ' ')})${d['note'] ? `: ${text(d['note'])}` : ''}.`;
    case 'review_resolved':
      return `${who} resolved order ${subject} by ${d['resolution'] === 'capture' ? 'capturing' : 'voiding'} its charge: ${text(d['reason'])}.`;
    case 'reconciliation':
      return `Order ${subject} (${text(d['action'])} ${text(d['domain_name'])}, ${displayMoney(d['amount_minor'], d['currency'])} by ${text(d['payment_method'])}) completed; the registrar's expiry ${text(d['registrar_expires_at'])} and its ledger entries were recorded.`;
    case 'privacy_not_applied':
      return `${text(d['domain_name'])} (order ${subject}) completed, but the registrar did not apply the privacy setting: ${text(d['error'])}`;
    default:
      return reviewSentence(e);
  }
}
