import type { AuditEvent } from '../../db/models';
import { formatMinor } from '../../money';

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
    const plain = formatMinor(BigInt(text(minor)), code);
    const [whole = '', frac] = plain.split('.');
    const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return `${frac === undefined ? grouped : `${grouped}.${frac}`} ${code}`;
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
