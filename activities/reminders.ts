import type { Knex } from 'knex';
import type { Domain } from '../src/db/models';
import { quote } from '../src/services/catalog';
import { newPublicId } from '../src/utils/public-ids';
import { eventRow } from '../src/webhooks/events';
import type { OrderInput } from '../workflows/contracts';

export interface ReminderActivityDeps {
  db: Knex;
}

const DAY_MS = 24 * 3600_000;
const PAGE = 500;

/** A domain due for a look, with its keyset cursor. */
type ScannedDomain = Pick<Domain, 'id' | 'resellerId' | 'name' | 'autoRenew'> & {
  expiresAt: Date;
  /** expires_at as UTC ISO text with microseconds: a JS Date keeps only milliseconds. */
  cursorAt: string;
};

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
    ): Promise<{ next: { expiresAt: string; id: number } | null; reminded: number; autoRenew: number[] }> {
      const now = Date.now();
      const horizon = new Date(now + Math.max(...thresholdsDays, autoRenewDays) * DAY_MS);
      const rows = (await db('domains')
        .where('expiresAt', '>', new Date(now))
        .where('expiresAt', '<=', horizon)
        .where('status', 'active')
        .modify((q) => {
          if (cursor)
            void q.whereRaw('(expires_at, id) > (?::timestamptz, ?)', [cursor.expiresAt, cursor.id]);
        })
        .orderBy([{ column: 'expiresAt' }, { column: 'id' }])
        .limit(PAGE)
        .select('id', 'resellerId', 'name', 'expiresAt', 'autoRenew', db.raw(CURSOR_AT))) as ScannedDomain[];
      const autoRenew: number[] = [];
      const due: Array<{ domain: ScannedDomain; threshold: number; msLeft: number }> = [];
      for (const d of rows) {
        const msLeft = new Date(d.expiresAt).getTime() - now;
        const reached = thresholdsDays.filter((t) => msLeft <= t * DAY_MS);
        // Only the tightest threshold reached is sent: a domain found at 6 days gets the 7-day notice, not 30 and 14 too.
        if (reached.length > 0) due.push({ domain: d, threshold: Math.min(...reached), msLeft });
        if (d.autoRenew && msLeft <= autoRenewDays * DAY_MS) autoRenew.push(d.id);
      }
      // One transaction per page: the reminder rows that are new decide which events are written.
      const reminded =
        due.length === 0
          ? 0
          : await db.transaction(async (trx) => {
              const inserted = (await trx('domainReminders')
                .insert(
                  due.map((x) => ({
                    domainId: x.domain.id,
                    thresholdDays: x.threshold,
                    expiresAt: x.domain.expiresAt,
                  })),
                )
                .onConflict(['domainId', 'thresholdDays', 'expiresAt'])
                .ignore()
                .returning(['domainId', 'thresholdDays'])) as Array<{
                domainId: number;
                thresholdDays: number;
              }>;
              const fresh = new Set(inserted.map((x) => `${x.domainId}:${x.thresholdDays}`));
              const events = due
                .filter((x) => fresh.has(`${x.domain.id}:${x.threshold}`))
                .map((x) =>
                  eventRow(x.domain.resellerId, 'domain.expiring', {
                    domain_id: x.domain.id,
                    domain_name: x.domain.name,
                    expires_at: new Date(x.domain.expiresAt).toISOString(),
                    threshold_days: x.threshold,
                    days_left: Math.ceil(x.msLeft / DAY_MS),
                    auto_renew: x.domain.autoRenew,
                  }),
                );
              if (events.length > 0) await trx('events').insert(events);
              return events.length;
            });
      const last = rows[rows.length - 1];
      return {
        next: rows.length === PAGE && last ? { expiresAt: last.cursorAt, id: last.id } : null,
        reminded,
        autoRenew,
      };
    },

    /** The renew order an auto-renewal starts (wallet, 1 year), or null when the TLD is not renewable. */
    async prepareAutoRenewal(domainId: number): Promise<{ input: OrderInput; key: string } | null> {
      const d = (await db('domains as d')
        .join('resellers as r', 'r.id', 'd.resellerId')
        .where('d.id', domainId)
        .first('d.id', 'd.name', 'd.expiresAt', 'd.resellerId', 'r.currency', 'r.markupBps', 'r.status')) as
        | {
            id: number;
            name: string;
            expiresAt: Date;
            resellerId: number;
            currency: string;
            markupBps: number;
            status: string;
          }
        | undefined;
      if (!d || d.status !== 'active') return null;
      const tlds = (await db('catalog_prices').distinct('tld')) as Array<{ tld: string }>;
      const tld = tlds
        .map((t) => t.tld)
        .filter((t) => d.name.endsWith(`.${t}`))
        .sort((a, b) => b.length - a.length)[0];
      if (!tld) return null;
      const price = await quote(db, {
        tld,
        action: 'renew',
        years: 1,
        currency: d.currency.trim(),
        markupBps: d.markupBps,
      }).catch(() => null);
      if (!price) return null;
      const expiry = new Date(d.expiresAt).toISOString();
      return {
        key: `autorenew:${d.name}:${expiry}`,
        input: {
          publicId: newPublicId('ord'),
          resellerId: d.resellerId,
          action: 'renew',
          domain: d.name,
          years: 1,
          paymentMethod: 'wallet',
          amountMinor: price.totalMinor.toString(),
          currency: d.currency.trim(),
          premium: false,
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
