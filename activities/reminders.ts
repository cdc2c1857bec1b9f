import type { Knex } from 'knex';
import type { RenewalHeld } from '../src/db/models';
import { formatMinor, moneyJson } from '../src/money';
import { RegistrarError } from '../src/registrar/errors';
import type { Registrar } from '../src/registrar/types';
import { NotOfferedError } from '../src/services/catalog';
import { AppError } from '../src/services/errors';
import { renewalQuote } from '../src/services/premium';
import { emitEvent } from '../src/webhooks/events';
import type { Config } from '../src/config';
import { newPublicId } from '../src/utils/public-ids';
import { type ExpiryScanWindow, expiryScanWindows, type OrderInput } from '../workflows/contracts';

export interface ReminderActivityDeps {
  db: Knex;
}

export interface AutoRenewalActivityDeps {
  db: Knex;
  registrar: Pick<Registrar, 'renewalPrice' | 'currency'>;
  pricing: Pick<
    Config,
    'PREMIUM_NAMES' | 'PREMIUM_MARGIN_BPS' | 'EXCHANGE_RATE_MAX_AGE_HOURS' | 'AUTO_RENEW_PRICE_RISE_BPS'
  >;
}

/**
 * Records an auto-renewal held back because its price rose, and tells the reseller: once per
 * expiry and price (the daily scan finds the domain again until it renews).
 */
async function holdRenewal(
  db: Knex,
  d: { id: number; name: string; resellerId: number; lastPaidMinor: string | null },
  held: { priceMinor: bigint; currency: string; expiry: string; premium: boolean },
): Promise<void> {
  await db.transaction(async (trx) => {
    const row = (await trx('domains').where({ id: d.id }).forUpdate().first('renewalHeld')) as {
      renewalHeld: RenewalHeld | null;
    };
    const was = row.renewalHeld;
    if (was && was.expiresAt === held.expiry && was.priceMinor === held.priceMinor.toString()) return;
    const previous = BigInt(d.lastPaidMinor ?? '0');
    const value: RenewalHeld = {
      priceMinor: held.priceMinor.toString(),
      previousMinor: previous.toString(),
      currency: held.currency,
      expiresAt: held.expiry,
      since: new Date().toISOString(),
    };
    await trx('domains')
      .where({ id: d.id })
      .update({ renewalHeld: JSON.stringify(value), updatedAt: trx.fn.now() });
    await emitEvent(trx, d.resellerId, 'domain.renewal_price_changed', {
      domain_id: d.id,
      domain_name: d.name,
      expires_at: held.expiry,
      premium: held.premium,
      previous_price: moneyJson(previous, held.currency),
      renewal_price: moneyJson(held.priceMinor, held.currency),
      auto_renew_held: true,
      message: `The renewal price rose from ${formatMinor(previous, held.currency)} to ${formatMinor(held.priceMinor, held.currency)} ${held.currency} a year: the auto-renewal was not charged. Renew the domain yourself at the new price, or it expires.`,
    });
  });
}

export const EXPIRY_SCAN_PAGE = 5_000;
const PAGE = EXPIRY_SCAN_PAGE;

/** What one page of the scan answers (the raw row: snake_case as Postgres names it). */
interface ScanPage {
  scanned: number;
  reminded: number;
  auto_renew: Array<number | string> | null;
  /** The page's last row: expires_at as UTC ISO text with microseconds (a JS Date keeps only milliseconds). */
  last: { cursor_at: string; id: number } | null;
}

// The keyset cursor must keep Postgres' microseconds: a cursor cut to milliseconds sorts before
// its own row, so every row sharing that instant would be read again (and with more than a page of
// them, the scan would never end).
const CURSOR_AT = `to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at`;

export function createReminderActivities(deps: ReminderActivityDeps) {
  const { db } = deps;
  return {
    /**
     * One page of the expiry scan (keyset on expires_at, id, served by their index): one
     * `domain.expiring` event per domain, threshold and expiry (never twice), recorded in the same
     * transaction as its reminder row. Returns the cursor and the auto-renew candidates.
     */
    async scanExpiringPage(
      thresholdsDays: number[],
      autoRenewDays: number,
      cursor: { expiresAt: string; id: number } | null,
      window?: ExpiryScanWindow,
    ): Promise<{ next: { expiresAt: string; id: number } | null; reminded: number; autoRenew: number[] }> {
      // Without a window (a run recorded before the windows): the whole horizon, from now.
      const { asOf, fromDays, toDays } =
        window ?? expiryScanWindows({ thresholdsDays, autoRenewDays, slices: 1 }, new Date())[0]!;
      const now = new Date(asOf);
      // Each domain's tightest threshold reached, as one CASE (thresholds are integers, ascending).
      const tightest = [...new Set(thresholdsDays.map((t) => Math.trunc(t)))]
        .sort((a, b) => a - b)
        .map((t) => `WHEN expires_at - :now::timestamptz <= interval '${t} days' THEN ${t}`)
        .join(' ');
      const threshold = tightest ? `CASE ${tightest} END` : 'NULL::int';
      // One statement per page, set-based: read the page, pick each domain's tightest threshold
      // reached (a domain found at 6 days gets the 7-day notice, not 30 and 14 too), insert the
      // reminders that are new, and an event for each of those only.
      const { rows } = await db.raw<{ rows: ScanPage[] }>(
        `WITH page AS (
           SELECT id, reseller_id, name, expires_at, auto_renew,
                  ${threshold} AS threshold
             FROM domains
            WHERE expires_at > :now::timestamptz + :fromDays * interval '1 day'
              AND expires_at <= :now::timestamptz + :toDays * interval '1 day'
              AND status = 'active'
              AND (:afterAt::timestamptz IS NULL OR (expires_at, id) > (:afterAt::timestamptz, :afterId::int))
            ORDER BY expires_at, id
            LIMIT :page
         ), fresh AS (
           INSERT INTO domain_reminders (domain_id, threshold_days, expires_at)
           SELECT id, threshold, expires_at FROM page WHERE threshold IS NOT NULL
           ON CONFLICT (domain_id, threshold_days, expires_at) DO NOTHING
           RETURNING domain_id
         ), sent AS (
           INSERT INTO events (id, reseller_id, type, payload)
           SELECT gen_random_uuid(), p.reseller_id, 'domain.expiring', jsonb_build_object(
                    'domain_id', p.id,
                    'domain_name', p.name,
                    'expires_at', to_char(p.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                    'threshold_days', p.threshold,
                    'days_left', ceil(extract(epoch FROM p.expires_at - :now::timestamptz) / 86400)::int,
                    'auto_renew', p.auto_renew)
             FROM fresh JOIN page p ON p.id = fresh.domain_id
           RETURNING 1
         )
         SELECT (SELECT count(*) FROM page)::int AS scanned,
                (SELECT count(*) FROM sent)::int AS reminded,
                (SELECT array_agg(id ORDER BY expires_at, id) FROM page
                  WHERE auto_renew AND expires_at <= :now::timestamptz + :autoRenewDays * interval '1 day') AS auto_renew,
                (SELECT row_to_json(l) FROM (SELECT ${CURSOR_AT}, id FROM page ORDER BY expires_at DESC, id DESC LIMIT 1) l) AS last`,
        {
          now,
          fromDays,
          toDays,
          autoRenewDays,
          afterAt: cursor?.expiresAt ?? null,
          afterId: cursor?.id ?? 0,
          page: PAGE,
        },
      );
      const page = rows[0]!;
      return {
        next:
          page.scanned === PAGE && page.last ? { expiresAt: page.last.cursor_at, id: page.last.id } : null,
        reminded: page.reminded,
        autoRenew: (page.auto_renew ?? []).map(Number),
      };
    },
  };
}

/** Starting a due domain's auto-renewal: priced as a renewal is, held back when the price rose too far. */
export function createAutoRenewalActivities(deps: AutoRenewalActivityDeps) {
  const { db } = deps;
  return {
    /**
     * The renew order an auto-renewal starts (wallet, 1 year), or null when the TLD is not
     * renewable, the domain is no longer due within `autoRenewDays` (a renewal that completed
     * between the scan and this read moved the expiry, and a key built from the new expiry would
     * renew the domain a second time), or its price rose too far. A premium name is priced from
     * the registrar's renewal price for it (one price_check); any other from the catalog. When the
     * yearly price is more than AUTO_RENEW_PRICE_RISE_BPS above what the reseller last paid, nothing
     * is charged: the domain records the held renewal and `domain.renewal_price_changed` tells the
     * reseller (once per expiry and price).
     */
    async prepareAutoRenewal(
      domainId: number,
      autoRenewDays?: number,
    ): Promise<{ input: OrderInput; key: string; resellerName?: string } | null> {
      const d = (await db('domains as d')
        .join('resellers as r', 'r.id', 'd.resellerId')
        .where('d.id', domainId)
        .first(
          'd.id',
          'd.name',
          'd.expiresAt',
          'd.resellerId',
          'd.premium',
          'd.lastPaidMinor',
          'd.lastPaidCurrency',
          'r.currency',
          'r.markupBps',
          'r.status',
          'r.name as resellerName',
        )) as
        | {
            id: number;
            name: string;
            expiresAt: Date;
            resellerId: number;
            premium: boolean;
            lastPaidMinor: string | null;
            lastPaidCurrency: string | null;
            currency: string;
            markupBps: number;
            status: string;
            resellerName: string;
          }
        | undefined;
      if (!d || d.status !== 'active') return null;
      if (
        autoRenewDays !== undefined &&
        new Date(d.expiresAt).getTime() > Date.now() + autoRenewDays * 24 * 3600 * 1000
      )
        return null;
      const tlds = (await db('catalog_prices').distinct('tld')) as Array<{ tld: string }>;
      const tld = tlds
        .map((t) => t.tld)
        .filter((t) => d.name.endsWith(`.${t}`))
        .sort((a, b) => b.length - a.length)[0];
      if (!tld) return null;
      const currency = d.currency.trim();
      const price = await renewalQuote(
        { db, registrar: deps.registrar, config: deps.pricing },
        { domain: d, tld, years: 1, reseller: { currency, markupBps: d.markupBps } },
      ).catch((err: unknown) => {
        // Not offered, no premium policy or rate, or the registrar refusing a price: no renewal.
        if (err instanceof NotOfferedError || err instanceof AppError) return null;
        if (err instanceof RegistrarError && err.kind !== 'retryable') return null;
        throw err;
      });
      if (!price) return null;
      const expiry = new Date(d.expiresAt).toISOString();
      if (
        d.lastPaidMinor !== null &&
        d.lastPaidCurrency?.trim() === currency &&
        price.amountMinor * 10_000n >
          BigInt(d.lastPaidMinor) * BigInt(10_000 + deps.pricing.AUTO_RENEW_PRICE_RISE_BPS)
      ) {
        await holdRenewal(db, d, { priceMinor: price.amountMinor, currency, expiry, premium: price.premium });
        return null;
      }
      return {
        key: `autorenew:${d.name}:${expiry}`,
        resellerName: d.resellerName,
        input: {
          publicId: newPublicId('ord'),
          resellerId: d.resellerId,
          action: 'renew',
          domain: d.name,
          years: 1,
          paymentMethod: 'wallet',
          amountMinor: price.amountMinor.toString(),
          currency,
          costMinor: price.cost ? price.cost.amountMinor.toString() : null,
          costCurrency: price.cost?.currency ?? null,
          exchangeRate: price.rate,
          premium: price.premium,
          idempotencyKey: null,
          fromExpiresAt: expiry,
          nameservers: [],
          contacts: null,
          privacy: null,
          autoRenew: null,
          sealedAuthCode: null,
          invoiceExpiresAt: null,
          transferPollSeconds: 3600,
          gateway: null,
        },
      };
    },
  };
}
