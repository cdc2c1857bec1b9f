import { userInfo } from 'node:os';
import type { Knex } from 'knex';
import { AuditEvent } from '../db/models';
import { notFound } from './errors';
import { isBigId } from '../utils/ids';

/**
 * Who changed something: an admin (admin surface or console), a reseller (self-service), an
 * operator at the CLI (by OS user), or the system (workflows, schedules).
 */
export type Actor = `admin:${number}` | `reseller:${number}` | `cli:${string}` | 'system';

/** The operator at this shell, as the audit trail names them. */
export function cliActor(): Actor {
  let user = process.env['USER'] ?? '';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): the environment's USER, or unknown.
  }
  return `cli:${user || 'unknown'}`;
}

export interface AuditEntry {
  actor: Actor;
  /** The reseller the change concerns, when it concerns one. */
  resellerId: number | null;
  type: string;
  subjectType: string;
  subjectId: string;
  /** What the subject was and became (for changes); secrets never go in here. */
  before?: unknown;
  after?: unknown;
  data?: Record<string, unknown>;
}

/** Records one audited change, inside the caller's transaction when given one. */
export async function audit(db: Knex | Knex.Transaction, entry: AuditEntry): Promise<void> {
  await db('auditEvents').insert({
    actor: entry.actor,
    resellerId: entry.resellerId,
    type: entry.type,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId,
    data: {
      ...(entry.data ?? {}),
      ...(entry.before !== undefined ? { before: entry.before } : {}),
      ...(entry.after !== undefined ? { after: entry.after } : {}),
    },
  });
}

export interface AuditFilter {
  resellerId?: number | undefined;
  types?: readonly string[] | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
  /** false: only events nobody has acknowledged yet. */
  acknowledged?: boolean | undefined;
  /** Keyset: events older than this id. */
  beforeId?: string | undefined;
  limit: number;
}

/** Audit events, newest first, keyset-paginated by id. */
export async function listAuditEvents(
  db: Knex,
  filter: AuditFilter,
): Promise<{ items: AuditEvent[]; nextBeforeId: string | null }> {
  const rows = await AuditEvent.query(db)
    .modify((q) => {
      if (filter.resellerId !== undefined) void q.where('resellerId', filter.resellerId);
      if (filter.types && filter.types.length > 0) void q.whereIn('type', filter.types);
      if (filter.since) void q.where('createdAt', '>=', filter.since);
      if (filter.until) void q.where('createdAt', '<', filter.until);
      if (filter.acknowledged === false) void q.whereNull('acknowledgedAt');
      if (filter.acknowledged === true) void q.whereNotNull('acknowledgedAt');
      if (filter.beforeId !== undefined) void q.where('id', '<', filter.beforeId);
    })
    .orderBy('id', 'desc')
    .limit(filter.limit + 1);
  const items = rows.slice(0, filter.limit);
  return {
    items,
    nextBeforeId: rows.length > filter.limit ? (items[items.length - 1]?.id ?? null) : null,
  };
}

/** Marks an audit event as looked at (the review queue's "done"); acknowledging twice keeps the first. */
export async function acknowledgeAuditEvent(
  db: Knex,
  actor: Actor,
  id: string,
  note: string | undefined,
): Promise<AuditEvent> {
  // Plain digits only (`013`, `+13` or `abc` is no audit event's id).
  if (!isBigId(id)) throw notFound('Audit event not found.', 'audit_event_not_found');
  return db.transaction(async (trx) => {
    const event = await AuditEvent.query(trx).findById(id).forUpdate();
    if (!event) throw notFound('Audit event not found.', 'audit_event_not_found');
    if (event.acknowledgedAt) return event;
    const updated = await AuditEvent.query(trx).patchAndFetchById(id, {
      acknowledgedAt: new Date(),
      acknowledgedBy: actor,
    });
    await audit(trx, {
      actor,
      resellerId: event.resellerId,
      type: 'audit_event_acknowledged',
      subjectType: 'audit_event',
      subjectId: String(event.id),
      data: { acknowledged_type: event.type, ...(note ? { note } : {}) },
    });
    return updated;
  });
}
