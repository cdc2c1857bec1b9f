import type { Knex } from 'knex';
import type { Domain } from '../src/db/models';
import type { DomainInfo, Registrar } from '../src/registrar/types';
import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import {
  DOMAIN_CHANGED_SIGNAL,
  type DomainReconcileInput,
  domainReconcileWorkflowId,
  type ReconcileStep,
} from '../workflows/contracts';

/** What our record says the registrar should hold, beside what it answers (the drift's two versions). */
type Held = Pick<Domain, 'nameservers' | 'locked' | 'privacy'> & {
  contactIds: Domain['contactIds'];
};

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length &&
  [...a]
    .map((x) => x.toLowerCase())
    .sort()
    .join() ===
    [...b]
      .map((x) => x.toLowerCase())
      .sort()
      .join();

/**
 * The fields of our record the registrar does not show (contacts compared by ID, when both know
 * them; nameservers only when we sent some: a registration without them takes the registrar's).
 */
export function disagreement(ours: Held, info: DomainInfo): string[] {
  const fields: string[] = [];
  if (ours.nameservers.length > 0 && !sameSet(ours.nameservers, info.nameservers)) fields.push('nameservers');
  if (ours.locked !== info.locked) fields.push('locked');
  if (ours.privacy !== info.privacy) fields.push('privacy');
  const a = ours.contactIds;
  const b = info.contactIds;
  if (a && b && (a.registrant !== b.registrant || a.admin !== b.admin)) fields.push('contacts');
  return fields;
}

const heldOf = (d: Domain): Held => ({
  nameservers: d.nameservers,
  locked: d.locked,
  privacy: d.privacy,
  contactIds: d.contactIds,
});
const shownOf = (info: DomainInfo | null) =>
  info && {
    nameservers: info.nameservers,
    locked: info.locked,
    privacy: info.privacy,
    contactIds: info.contactIds,
  };

/**
 * Following our changes at the registrar: a domain whose change the registrar may not show yet
 * (`registrar_pending_since`) is read once the lag has passed; when it agrees the record is
 * synced, while it does not it is read again until the lag window closes, and then the two
 * versions go to the review queue (`registrar_drift`), our record left as it is.
 */
export function createRegistrarSyncActivities(deps: {
  db: Knex;
  registrar: Registrar;
  registrarLagMs: number;
}) {
  const { db, registrar } = deps;
  const lag = Math.max(deps.registrarLagMs, 1000);

  return {
    /**
     * Starts a registration's follow-up from the order's workflow task (a local activity): its
     * first workflow task waits on the server until the registrar's lag has passed (a delayed
     * start: no timer, no child hand-off, no task of the order's to see it started), or tells the
     * domain's running follow-up about the change. A run that ends between the two is started again.
     * (The client-side twin of `followUpAtRegistrar` in workflows/domain-reconcile.ts, which runs
     * before steps 2 and for domain operations: a change to one is a change to both.)
     */
    async startRegistrarFollowUp(
      input: DomainReconcileInput,
      taskQueue: string,
    ): Promise<'started' | 'signalled'> {
      const { client } = Context.current();
      const workflowId = domainReconcileWorkflowId(input.domainId);
      for (let attempt = 0; ; attempt += 1) {
        try {
          await client.workflow.start('domainReconcileWorkflow', {
            workflowId,
            taskQueue,
            args: [{ ...input, startedAfterLag: true } satisfies DomainReconcileInput],
            ...(input.firstLookAfterMs ? { startDelay: input.firstLookAfterMs } : {}),
            staticSummary: `Follow ${input.domain} at the registrar until it shows our record`,
          });
          return 'started';
        } catch (err) {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        }
        try {
          await client.workflow.getHandle(workflowId).signal(DOMAIN_CHANGED_SIGNAL);
          return 'signalled';
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError) || attempt >= 2) throw err;
        }
      }
    },

    /** One step of a domain's follow-up: at most one registrar read (domain_info). */
    async reconcileDomain(domainId: number): Promise<ReconcileStep> {
      const row = (await db('domains').where({ id: domainId }).first()) as Domain | undefined;
      if (!row?.registrarPendingSince) return { done: true, state: 'synced' };
      const since = new Date(row.registrarPendingSince).getTime();
      const now = Date.now();
      if (now < since + lag) return { done: false, waitMs: since + lag - now };
      const info = await registrar.info(row.name);
      const final = now >= since + 2 * lag;
      const fields = info ? disagreement(heldOf(row), info) : ['domain'];
      return db.transaction(async (trx) => {
        // Only the change that was read: a newer one keeps its own window.
        // (Compared at the millisecond a JavaScript Date holds.)
        const current = trx('domains')
          .where({ id: domainId })
          .whereRaw("date_trunc('milliseconds', registrar_pending_since) = ?", [row.registrarPendingSince]);
        if (fields.length === 0) {
          const n = await current.clone().update({
            registrarPendingSince: null,
            registrarSyncedAt: trx.fn.now(),
            lastSyncedAt: trx.fn.now(),
            ...(info?.expiresAt ? { expiresAt: info.expiresAt } : {}),
            // What we left to the registrar (its default nameservers) is now known.
            ...(row.nameservers.length === 0 && info && info.nameservers.length > 0
              ? { nameservers: info.nameservers }
              : {}),
          });
          return n > 0 ? { done: true, state: 'synced' } : { done: false, waitMs: 0 };
        }
        if (!final) return { done: false, waitMs: Math.ceil(lag / 2) };
        const still = (await current.clone().forUpdate().first('id')) as { id: number } | undefined;
        if (!still) return { done: false, waitMs: 0 };
        await trx('auditEvents').insert({
          resellerId: row.resellerId,
          type: 'registrar_drift',
          subjectType: 'domain',
          subjectId: row.name,
          data: {
            reason: info
              ? 'The registrar still does not show our change after its lag window.'
              : 'The registrar still does not show the domain after its lag window.',
            fields,
            ours: heldOf(row),
            registrar: shownOf(info),
            pending_since: new Date(since).toISOString(),
          },
        });
        return { done: true, state: 'drift' };
      });
    },
  };
}
