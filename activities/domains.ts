import { ApplicationFailure } from '@temporalio/activity';
import type { Knex } from 'knex';
import type { Domain } from '../src/db/models';
import { RegistrarError } from '../src/registrar/errors';
import type { Registrar } from '../src/registrar/types';
import type { SecretBox } from '../src/secrets';
import { DomainFailures, type DomainOperationInput } from '../workflows/contracts';
import { setDomainContactHandles } from './contact-mirror';
import { applyHostOperation } from './glue-hosts';
import { disagreement } from './registrar-sync';

export interface DomainActivityDeps {
  db: Knex;
  registrar: Registrar;
  secrets: SecretBox;
  /** How long the registrar's reads may not show a change (REGISTER_LAG_SECONDS). */
  registrarLagMs: number;
}

/** Registrar refusals are final (the workflow answers them); everything else is retried. */
export function domainRegistrarFailure(err: unknown): never {
  if (err instanceof RegistrarError && !err.retryable) {
    throw ApplicationFailure.nonRetryable(
      err.message,
      err.kind === 'unsupported' ? DomainFailures.Unsupported : DomainFailures.RegistrarRejected,
    );
  }
  throw err;
}

export function createDomainActivities(deps: DomainActivityDeps) {
  const { db, registrar } = deps;
  const changed = (domainId: number, values: Record<string, unknown>) =>
    db('domains')
      .where({ id: domainId })
      .update({ ...values, registrarPendingSince: db.fn.now(), updatedAt: db.fn.now() });

  return {
    /** Performs one domain operation at the registrar and records its effect locally. */
    async applyDomainOperation(input: DomainOperationInput): Promise<Record<string, unknown>> {
      const { domain, domainId, operation } = input;
      try {
        switch (operation.op) {
          case 'sync': {
            const info = await registrar.info(domain);
            const row = (await db('domains').where({ id: domainId }).first()) as Domain;
            // Inside the lag window of our own change, the registrar's older answer is not
            // written over our record: the follow-up settles it.
            const since = row.registrarPendingSince ? new Date(row.registrarPendingSince).getTime() : null;
            const lagging = since !== null && Date.now() < since + 2 * deps.registrarLagMs;
            if (lagging && (!info || disagreement(row, info).length > 0))
              return { drift: [], registrar_synced: false };
            if (!info) throw new RegistrarError('rejected', 'The registrar does not hold this domain.');
            return db.transaction(async (trx) => {
              const before = (await trx('domains').where({ id: domainId }).forUpdate().first()) as Domain;
              const after = {
                expiresAt: info.expiresAt,
                status: info.status,
                locked: info.locked,
                privacy: info.privacy,
                nameservers: info.nameservers,
              };
              const drift: Record<string, { local: unknown; registrar: unknown }> = {};
              const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
              for (const key of Object.keys(after) as Array<keyof typeof after>) {
                const local = key === 'expiresAt' ? (before.expiresAt?.toISOString() ?? null) : before[key];
                const remote = key === 'expiresAt' ? (after.expiresAt?.toISOString() ?? null) : after[key];
                if (!same(local, remote)) drift[key] = { local, registrar: remote };
              }
              await trx('domains')
                .where({ id: domainId })
                .update({
                  ...after,
                  ...(info.contactIds ? { contactIds: JSON.stringify(info.contactIds) } : {}),
                  registrarPendingSince: null,
                  registrarSyncedAt: trx.fn.now(),
                  lastSyncedAt: trx.fn.now(),
                  updatedAt: trx.fn.now(),
                });
              if (Object.keys(drift).length > 0) {
                await trx('auditEvents').insert({
                  resellerId: input.resellerId,
                  type: 'registrar_drift',
                  subjectType: 'domain',
                  subjectId: domain,
                  data: { drift },
                });
              }
              return { drift: Object.keys(drift), registrar_synced: true };
            });
          }
          // Each change is our record at once, marked as not shown by the registrar yet.
          case 'set_nameservers':
            await registrar.setNameservers(domain, operation.nameservers);
            await changed(domainId, { nameservers: operation.nameservers });
            return { nameservers: operation.nameservers };
          case 'set_contacts': {
            // New runs name handles: their registrar contacts (made there once) are set.
            if (operation.contactRefs) {
              await setDomainContactHandles(db, registrar, domainId, operation.contactRefs);
              return {};
            }
            const ids = await registrar.setContacts(domain, operation.contacts!);
            await changed(domainId, {
              contacts: JSON.stringify(operation.contacts),
              contactIds: JSON.stringify(ids),
            });
            return {};
          }
          case 'set_lock':
            await registrar.setLock(domain, operation.locked);
            await changed(domainId, { locked: operation.locked });
            return { locked: operation.locked };
          case 'set_privacy':
            await registrar.setPrivacy(domain, operation.privacy);
            await changed(domainId, { privacy: operation.privacy });
            return { privacy: operation.privacy };
          case 'request_epp':
            // Sealed: the code never sits in workflow history in clear.
            return { sealedAuthCode: deps.secrets.seal(await registrar.getAuthCode(domain)) };
          case 'register_host':
          case 'set_host_ips':
          case 'delete_host':
            return await applyHostOperation(deps, domainId, operation);
        }
      } catch (err) {
        return domainRegistrarFailure(err);
      }
    },
  };
}
