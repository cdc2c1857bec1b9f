import type { ApiCredential, ApiLog, AuditEvent, LedgerEntryRow } from '../db/models';
import { moneyJson } from '../money';
import type { ApiLogSummary } from '../services/api-logs';
import type { Statement } from '../services/statements';
import { z } from 'zod';
import { iso as isoSchema, isoOrNull, isoText, MoneyJson } from './json';

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
  replaced: z.object({ id: z.string(), revoked_at: isoSchema }).nullable(),
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

/** Where a credential stands now: live, revoking (its grace still running), revoked or expired. */
export function credentialStatus(
  c: Pick<ApiCredential, 'revokedAt' | 'expiresAt'>,
  now = Date.now(),
): 'live' | 'revoking' | 'revoked' | 'expired' {
  if (c.revokedAt) return c.revokedAt.getTime() > now ? 'revoking' : 'revoked';
  return c.expiresAt && c.expiresAt.getTime() <= now ? 'expired' : 'live';
}

/** A credential without its secret or hash: what listings and the API Access page show. */
export function presentCredential(c: ApiCredential): z.infer<typeof CredentialJson> {
  const status = credentialStatus(c);
  return {
    id: c.prefix,
    kind: c.kind,
    name: c.name,
    prefix: c.prefix,
    abilities: c.abilities,
    ip_allowlist: c.ipAllowlist,
    status,
    created_at: isoText(c.createdAt),
    last_used_at: isoText(c.lastUsedAt),
    expires_at: isoText(c.expiresAt),
    revoked_at: isoText(c.revokedAt),
  };
}

/** An issued credential: its secret, shown this once. */
export const presentIssued = (issued: {
  credential: ApiCredential;
  secret: string;
}): z.infer<typeof IssuedJson> => ({
  credential: presentCredential(issued.credential),
  secret: issued.secret,
});

/** A regenerated API key: the new secret (shown once) and when the one it replaced stops. */
export const presentRegenerated = (res: {
  credential: ApiCredential;
  secret: string;
  replaced: { prefix: string; revokedAt: Date } | null;
}): z.infer<typeof RegeneratedJson> => ({
  ...presentIssued(res),
  replaced: res.replaced
    ? { id: res.replaced.prefix, revoked_at: res.replaced.revokedAt.toISOString() }
    : null,
});

export function presentApiLog(l: ApiLogSummary): z.infer<typeof ApiLogJson> {
  return {
    id: String(l.id),
    request_id: l.requestId,
    reseller_id: l.resellerId,
    credential_id: l.credentialId,
    method: l.method,
    path: l.path,
    route: l.route,
    status: l.status,
    ip: l.ip,
    duration_ms: l.durationMs,
    error_code: l.errorCode,
    created_at: isoText(l.createdAt),
  };
}

/** The detail view: headers, query and bodies as stored (secrets were redacted when written). */
export const presentApiLogDetail = (l: ApiLog): z.infer<typeof ApiLogDetailJson> => ({
  ...presentApiLog(l),
  request_headers: l.requestHeaders,
  request_query: l.requestQuery,
  request_body: l.requestBody,
  response_body: l.responseBody,
});

export function presentAuditEvent(e: AuditEvent): z.infer<typeof AuditEventJson> {
  return {
    id: String(e.id),
    type: e.type,
    actor: e.actor,
    reseller_id: e.resellerId,
    subject_type: e.subjectType,
    subject_id: e.subjectId,
    data: e.data,
    created_at: isoText(e.createdAt),
    acknowledged_at: isoText(e.acknowledgedAt),
    acknowledged_by: e.acknowledgedBy,
  };
}

export function presentLedgerEntry(e: LedgerEntryRow): z.infer<typeof LedgerEntryJson> {
  const currency = e.currency.trim();
  return {
    id: String(e.id),
    kind: e.kind,
    status: e.status,
    amount: moneyJson(BigInt(e.amountMinor), currency),
    description: e.description,
    created_at: isoText(e.createdAt),
    posted_at: isoText(e.postedAt),
  };
}

/** A statement: the period's opening and closing balance, its posted lines, the holds pending now. */
export function presentStatement(s: Statement): z.infer<typeof StatementJson> {
  return {
    currency: s.currency,
    from: isoText(s.from),
    until: isoText(s.until),
    opening_balance: moneyJson(s.opening, s.currency),
    closing_balance: moneyJson(s.closing, s.currency),
    transactions: s.lines.map((l) => ({
      ...presentLedgerEntry(l.entry),
      order_id: l.orderPublicId,
      invoice_id: l.invoicePublicId,
      balance_after: moneyJson(l.balanceAfter, s.currency),
    })),
    holds: s.holds.map((h) => ({ ...presentLedgerEntry(h.entry), order_id: h.orderPublicId })),
    pagination: { next_cursor: s.nextCursor },
  };
}

export const WalletJson = z.object({ balance: MoneyJson, held: MoneyJson, available: MoneyJson });

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

export const WhitelistJson = z.object({
  ips: z.array(z.string()),
  blocks_all: z
    .boolean()
    .describe('True when the list is empty: /api/v1 and the legacy API refuse every credential.'),
});
