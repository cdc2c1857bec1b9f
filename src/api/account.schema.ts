import { z } from 'zod';
import type { ApiLogFilter } from '../services/api-logs';

/** Keyset by id for newest-first lists (logs, audit events): `?limit=50&cursor=<id>`. */
export const newestFirstQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, 'The cursor is not valid.')
    .optional(),
};

const isoDate = z.coerce.date({ error: 'A date such as 2026-12-01 or 2026-12-01T10:00:00Z.' });

export const apiLogsQuery = z.object({
  ...newestFirstQuery,
  status: z.string().trim().max(3).optional(),
  route: z.string().trim().max(500).optional(),
  method: z
    .enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'get', 'post', 'put', 'patch', 'delete'])
    .optional(),
  since: isoDate.optional(),
  until: isoDate.optional(),
  request_id: z.string().trim().max(100).optional(),
});

export const apiLogsRequest = z.object({ query: apiLogsQuery });

/** The API log filter a validated query asks for. */
export const apiLogFilter = (
  query: z.infer<typeof apiLogsQuery>,
  resellerId: number | undefined,
): ApiLogFilter => ({
  resellerId,
  status: query.status,
  route: query.route,
  method: query.method,
  since: query.since,
  until: query.until,
  requestId: query.request_id,
  beforeId: query.cursor,
  limit: query.limit,
});
export const apiLogRequest = z.object({ params: z.object({ log: z.string().min(1).max(20) }) });

const abilities = z.array(z.string().trim().min(1).max(40)).min(1).max(20);

export const issueTokenRequest = z.object({
  body: z.object({
    name: z.string({ error: 'The name field is required.' }).trim().min(1).max(100),
    abilities: abilities.optional(),
    expires_at: isoDate.optional(),
  }),
});

export const regenerateKeyRequest = z.object({
  body: z.object({
    prefix: z.string().trim().max(20).optional(),
    grace_seconds: z.coerce.number().int().min(0).max(86_400).default(0),
  }),
});

export const credentialRequest = z.object({ params: z.object({ credential: z.string().min(1).max(20) }) });

export const whitelistRequest = z.object({
  body: z.object({
    ips: z.array(z.string().max(64), { error: 'Send ips as a list (an empty list blocks).' }).max(100),
  }),
});

export const statementRequest = z.object({
  query: z.object({
    from: isoDate.optional(),
    until: isoDate.optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    format: z.enum(['json', 'csv']).default('json'),
  }),
});
