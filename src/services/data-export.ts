import { createHash } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { strToU8, zipSync } from 'fflate';
import type { Knex } from 'knex';
import { formatMinor } from '../money';
import { findReseller } from './resellers';

/*
 * Everything a reseller owns, as one zip archive of JSON and CSV files: domains, contacts,
 * orders, invoices, the ledger (with its totals, which equal the wallet statement's), webhook
 * endpoints (never their secrets), events and deliveries, and the API log (as stored: redacted).
 * Built by the data export workflow's step; the archive is kept until the export's link expires.
 */

/** Columns never exported: secrets (sealed or not) and our own bookkeeping. */
const OMIT: Record<string, ReadonlySet<string>> = {
  orders: new Set(['authCode']),
  contacts: new Set(['fingerprint', 'retiredRegistrarIds']),
  webhooks: new Set(['secret', 'previousSecret']),
};

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A row as the archive holds it: snake_case keys, dates in ISO 8601, money as integer minor units. */
function exported(table: string, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (OMIT[table]?.has(k)) continue;
    out[snake(k)] = v instanceof Date ? v.toISOString() : typeof v === 'string' ? v.trimEnd() : v;
  }
  return out;
}

function csvOf(rows: Array<Record<string, unknown>>): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) =>
    v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v as string);
  return stringify(
    rows.map((r) => columns.map((c) => cell(r[c]))),
    { header: columns.length > 0, columns },
  );
}

/** The ledger's totals: what the wallet statement says for all time, from the exported entries. */
export interface ExportTotals {
  currency: string;
  /** Σ posted entries: the statement's closing balance (formatted, and in minor units). */
  closing_balance: string;
  closing_balance_minor: string;
  credits: string;
  debits: string;
  /** Funds held now (pending entries), not part of the balance. */
  pending_holds: string;
  posted_entries: number;
}

function totalsOf(currency: string, ledger: Array<Record<string, unknown>>): ExportTotals {
  let credits = 0n;
  let debits = 0n;
  let held = 0n;
  let posted = 0;
  for (const e of ledger) {
    if (e['currency'] !== currency) continue;
    const amount = BigInt(String(e['amount_minor']));
    if (e['status'] === 'posted') {
      posted += 1;
      if (amount >= 0n) credits += amount;
      else debits += amount;
    } else if (e['status'] === 'pending') held += amount;
  }
  const money = (v: bigint) => formatMinor(v, currency);
  return {
    currency,
    closing_balance: money(credits + debits),
    closing_balance_minor: (credits + debits).toString(),
    credits: money(credits),
    debits: money(debits),
    pending_holds: money(held),
    posted_entries: posted,
  };
}

export interface ExportArchive {
  bytes: Uint8Array;
  files: Array<{ name: string; records: number; sha256: string }>;
  totals: ExportTotals;
}

/** The reseller's data, read now, as the archive's files. */
export async function buildExportArchive(db: Knex, resellerId: number): Promise<ExportArchive> {
  const reseller = await findReseller(db, resellerId);
  const currency = reseller.currency.trim();
  const mine = (table: string) => db(table).where({ resellerId }).orderBy('id');
  const tables: Record<string, Knex.QueryBuilder> = {
    domains: mine('domains'),
    contacts: mine('contacts').whereNull('deletedAt'),
    orders: mine('orders'),
    invoices: mine('invoices'),
    ledger: mine('ledgerEntries'),
    webhooks: mine('webhookEndpoints'),
    events: db('events').where({ resellerId }).orderBy('sequence'),
    'webhook-deliveries': db('webhookDeliveries as d')
      .join('webhookJobs as j', 'j.id', 'd.jobId')
      .join('webhookEndpoints as w', 'w.id', 'j.endpointId')
      .join('events as e', 'e.id', 'j.eventId')
      .where('w.resellerId', resellerId)
      .orderBy('d.id')
      .select('d.*', 'w.publicId as endpoint', 'e.type as eventType', 'j.eventId'),
    'api-logs': mine('apiLogs'),
  };
  const data: Record<string, Array<Record<string, unknown>>> = {};
  for (const [name, query] of Object.entries(tables))
    data[name] = ((await query) as Array<Record<string, unknown>>).map((r) => exported(name, r));
  const totals = totalsOf(currency, data['ledger']!);

  const entries: Record<string, Uint8Array> = {};
  const files: ExportArchive['files'] = [];
  const add = (name: string, text: string, records: number) => {
    const bytes = strToU8(text);
    entries[name] = bytes;
    files.push({ name, records, sha256: createHash('sha256').update(bytes).digest('hex') });
  };
  for (const [name, rows] of Object.entries(data)) {
    add(`${name}.json`, `${JSON.stringify(rows, null, 2)}\n`, rows.length);
    add(`${name}.csv`, csvOf(rows), rows.length);
  }
  add('totals.json', `${JSON.stringify(totals, null, 2)}\n`, 1);
  const manifest = {
    reseller: { id: reseller.id, name: reseller.name, email: reseller.email, currency },
    generated_at: new Date().toISOString(),
    note: 'Money is in integer minor units (amount_minor) unless formatted; totals.json equals the wallet statement for all time.',
    files,
  };
  entries['manifest.json'] = strToU8(`${JSON.stringify(manifest, null, 2)}\n`);
  return { bytes: zipSync(entries, { level: 6 }), files, totals };
}
