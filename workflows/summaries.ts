import type {
  BillingReviewInput,
  DnsZoneInput,
  DomainOperation,
  DomainOperationInput,
  OrderInput,
  TopupInput,
  WebhookDeliveryInput,
} from './contracts';
import type { SearchAttributePair } from '@temporalio/common';
import { RunSummaryAttr } from './contracts';
import { formatMinor } from './money';
import { readable } from './payload-converter';
import type { TransferState } from './contracts';

/*
 * What an operator reads in the Temporal UI: each run's one-line summary (the workflow list) and
 * its details (Markdown, on the run's page), set when the run is started; and the sentences the
 * long-running workflows keep current (`setCurrentDetails`). Built from chosen fields only: never
 * an auth code (sealed or not), a contact's personal data, a secret or a URL's query string.
 * Summaries and details stay readable without the payload codec (payload-converter.ts); current
 * details are a query's answer and are encrypted like every other payload.
 */

export interface RunLabel {
  staticSummary: string;
  staticDetails: string;
}

/**
 * A run's start options from its label: the summary, the details, and the search attributes
 * given followed by the summary as `RunSummary` (the UI's workflow list shows search attributes
 * as columns, add "RunSummary" in its column settings, but not the summary itself; Keyword values
 * are at most 255 characters in SQL visibility). The summary and details are marked readable:
 * the codec leaves them unencrypted, so the UI shows them to anyone who may open it.
 */
export function runOptions(label: RunLabel, attributes: SearchAttributePair[] = []) {
  return {
    staticSummary: readable(label.staticSummary),
    staticDetails: readable(label.staticDetails),
    typedSearchAttributes: [
      ...attributes,
      { key: RunSummaryAttr, value: label.staticSummary.slice(0, 250) } satisfies SearchAttributePair,
    ],
  };
}

/** Who a run is for: the reseller's name when the start site knows it, else its number. */
export interface ResellerRef {
  id: number;
  name?: string | null | undefined;
}

export const who = (r: ResellerRef): string => (r.name ? `${r.name} (#${r.id})` : `reseller #${r.id}`);

export const money = (minor: string, currency: string): string => {
  try {
    return `${formatMinor(BigInt(minor), currency)} ${currency}`;
  } catch {
    return `${minor} ${currency} (minor units)`;
  }
};

const VERB: Record<OrderInput['action'], string> = {
  register: 'Register',
  renew: 'Renew',
  transfer: 'Transfer in',
};

export const rows = (pairs: Array<[string, string | number | null | undefined]>): string =>
  pairs
    .filter((p): p is [string, string | number] => p[1] !== null && p[1] !== undefined && p[1] !== '')
    .map(([k, v]) => `- **${k}**: ${v}`)
    .join('\n');

const yearsText = (years: number): string => `${years} year${years === 1 ? '' : 's'}`;

const paidBy = (input: Pick<OrderInput, 'paymentMethod' | 'gateway'>): string =>
  input.paymentMethod === 'wallet' ? 'wallet' : `invoice${input.gateway ? ` (${input.gateway})` : ''}`;

/** "Register example.com · 1 year · 12.99 USD by wallet · Acme (#3)". */
export function orderLabel(input: OrderInput, reseller: ResellerRef, startedBy?: string): RunLabel {
  const staticSummary = `${VERB[input.action]} ${input.domain} · ${yearsText(input.years)} · ${money(input.amountMinor, input.currency)} by ${paidBy(input)} · ${who(reseller)}`;
  const staticDetails = rows([
    ['Order', input.publicId],
    ['Action', input.action],
    ['Domain', input.domain],
    ['Years', input.years],
    ['Amount', money(input.amountMinor, input.currency)],
    ['Payment', paidBy(input)],
    ['Premium', input.premium ? 'yes' : null],
    [
      'Registrar cost',
      input.costMinor && input.costCurrency ? money(input.costMinor, input.costCurrency) : null,
    ],
    ['Reseller', who(reseller)],
    ['Nameservers', input.nameservers.length ? input.nameservers.join(', ') : null],
    ['Privacy', input.privacy],
    ['Auth code', input.sealedAuthCode ? 'given (sealed, not shown)' : null],
    ['Resumes order', input.resumeOrderId ?? null],
    ['Started by', startedBy],
  ]);
  return { staticSummary, staticDetails };
}

export function topupLabel(input: TopupInput, reseller: ResellerRef): RunLabel {
  return {
    staticSummary: `Wallet top-up · ${money(input.amountMinor, input.currency)} by invoice${input.gateway ? ` (${input.gateway})` : ''} · ${who(reseller)}`,
    staticDetails: rows([
      ['Invoice', input.invoicePublicId],
      ['Amount', money(input.amountMinor, input.currency)],
      ['Gateway', input.gateway ?? 'configured default'],
      ['Reseller', who(reseller)],
    ]),
  };
}

export function dnsZoneLabel(zone: DnsZoneInput, reseller: ResellerRef): RunLabel {
  return {
    staticSummary: `DNS zone ${zone.domain} · ${who(reseller)}`,
    staticDetails: rows([
      ['Domain', `${zone.domain} (#${zone.domainId})`],
      ['Reseller', who(reseller)],
      ['What it does', 'applies DNS edits one at a time and publishes the zone; ends after a quiet minute'],
    ]),
  };
}

const OPERATION: Record<DomainOperation['op'], string> = {
  sync: 'Sync from the registrar',
  set_nameservers: 'Set nameservers',
  set_contacts: 'Set contacts',
  set_lock: 'Set transfer lock',
  set_privacy: 'Set privacy',
  request_epp: 'Send the auth code to the registrant',
  register_host: 'Register a nameserver host',
  set_host_ips: 'Change a nameserver host’s addresses',
  delete_host: 'Delete a nameserver host',
};

function operationValue(op: DomainOperation): string | null {
  switch (op.op) {
    case 'set_nameservers':
      return op.nameservers.join(', ');
    case 'register_host':
    case 'set_host_ips':
      return `${op.host} ${op.ips.join(', ')}`;
    case 'delete_host':
      return op.host;
    case 'set_lock':
      return op.locked ? 'locked' : 'unlocked';
    case 'set_privacy':
      return op.privacy;
    default:
      return null;
  }
}

export function domainOperationLabel(input: DomainOperationInput, reseller: ResellerRef): RunLabel {
  const value = operationValue(input.operation);
  return {
    staticSummary: `${OPERATION[input.operation.op]} · ${input.domain}${value ? ` → ${value}` : ''} · ${who(reseller)}`,
    staticDetails: rows([
      ['Domain', `${input.domain} (#${input.domainId})`],
      ['Operation', input.operation.op],
      ['Value', value],
      ['Reseller', who(reseller)],
    ]),
  };
}

/** The host of an endpoint's URL, never its path or query string (which may carry a token). */
export function endpointHost(url: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#]+)/i.exec(url);
  return m ? m[1]! : 'endpoint';
}

export interface DeliveryLabelInput {
  jobId: string;
  run: number;
  resellerId: number;
  eventType?: string | null | undefined;
  endpointUrl?: string | null | undefined;
  resellerName?: string | null | undefined;
}

export function deliveryLabel(job: DeliveryLabelInput, input: WebhookDeliveryInput, test = false): RunLabel {
  const host = job.endpointUrl ? endpointHost(job.endpointUrl) : `endpoint #${input.endpointId ?? '?'}`;
  return {
    staticSummary: `${test ? 'Webhook test' : 'Webhook'} ${job.eventType ?? 'event'} → ${host} · ${who({ id: job.resellerId, name: job.resellerName })}`,
    staticDetails: rows([
      ['Job', job.jobId],
      ['Run', job.run],
      ['Event', job.eventType],
      ['Endpoint', `${host} (#${input.endpointId ?? '?'})`],
      ['Reseller', who({ id: job.resellerId, name: job.resellerName })],
      [
        'Retries',
        test
          ? 'none: one attempt'
          : `backoff from ${input.backoffBaseSeconds} s, for up to ${Math.round(input.horizonSeconds / 3600)} h`,
      ],
    ]),
  };
}

export function reviewLabel(
  input: BillingReviewInput,
  order: { publicId: string; domain: string },
): RunLabel {
  return {
    staticSummary: `Billing review: ${input.resolution} order ${order.publicId} (${order.domain}) · by ${input.actor}`,
    staticDetails: rows([
      ['Order', `${order.publicId} (#${input.orderId})`],
      ['Domain', order.domain],
      ['Resolution', input.resolution],
      ['Reason', input.reason],
      ['Actor', input.actor],
    ]),
  };
}

/** A time as operators read it in the UI: "2026-12-04 10:30 UTC". */
export const utc = (at: string | number | Date): string =>
  `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** "2 h", "15 min", "40 s". */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s >= 5400) return `${Math.round(s / 3600)} h`;
  if (s >= 90) return `${Math.round(s / 60)} min`;
  return `${s} s`;
}

// ---------------------------------------------------------------- current details (setCurrentDetails)

const TRANSFER_WORDS: Record<TransferState, string> = {
  none: 'submitted; the registrar shows no transfer order yet',
  waiting: 'waiting for the losing registrar to release the domain',
  approved: 'approved; the registrar is completing it',
  pending: 'in progress at the registrar',
  auth_code_needed: 'auth code needed: the reseller sends a new one (POST /api/v1/orders/{order}/auth-code)',
  locked: 'locked at the losing registrar: the registrant must unlock the domain',
  completed: 'completed',
  cancelled: 'cancelled',
  failed: 'failed',
};

/** What an order run is doing now, from its status. */
export function orderProgress(state: {
  status: string;
  domain: string;
  action: OrderInput['action'];
  failureCode?: string | null;
  invoice?: { publicId: string; amountMinor: string; currency: string; expiresAt: string } | null;
}): string {
  switch (state.status) {
    case 'pending':
      return 'Opening the order.';
    case 'awaiting_payment':
      return state.invoice
        ? `Waiting for payment of invoice ${state.invoice.publicId} (${money(state.invoice.amountMinor, state.invoice.currency)}) until ${utc(state.invoice.expiresAt)}: a gateway callback or the wallet pays it.`
        : 'Waiting for payment.';
    case 'processing':
      return `At the registrar: ${VERB[state.action].toLowerCase()} ${state.domain}.`;
    case 'billing_failed':
      return 'Done at the registrar, but the capture failed: in the review queue (capture or void).';
    default:
      return `Finished: ${state.status}${state.failureCode ? ` (${state.failureCode})` : ''}.`;
  }
}

/** A registration whose answer was lost, looked for again after the registrar's lag. */
export const registrationLagProgress = (domain: string, check: number, waitSeconds: number): string =>
  `Registrar's answer lost: ${domain} is not in the account yet; look ${check + 1} in ${duration(waitSeconds * 1000)} (never registered twice).`;

export function transferProgress(
  t: { state: TransferState; text: string },
  nextPollMs: number,
  deadline: number,
  flagged: boolean,
): string {
  const said =
    t.text && t.text.toLowerCase() !== t.state.replace(/_/g, ' ') ? ` ("${t.text.slice(0, 80)}")` : '';
  const review = flagged
    ? ' In the review queue: past its deadline.'
    : ` Review queue after ${utc(deadline)}.`;
  return `Transfer: ${TRANSFER_WORDS[t.state]}${said}. Next check in ${duration(nextPollMs)}.${review}`;
}

/** "Attempt 3 failed: retry 4 in 2 h (gives up after 2026-12-07 10:30 UTC)". */
export const deliveryRetryProgress = (attempt: number, delayMs: number, givesUpAt: number): string =>
  `Attempt ${attempt} not delivered: retry ${attempt + 1} in ${duration(delayMs)} (gives up after ${utc(givesUpAt)}).`;

/** The registration step's summary (its name alone does not say it is sent once). */
export const registerStepSummary = (input: Pick<OrderInput, 'domain' | 'years'>): string =>
  `Register ${input.domain} for ${yearsText(input.years)} at the registrar (sent once; a lost answer is settled, never re-sent blindly)`;
