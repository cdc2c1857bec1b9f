import { ApplicationFailure } from '@temporalio/activity';
import type { Knex } from 'knex';
import type { Domain } from '../src/db/models';
import { RegistrarError } from '../src/registrar/errors';
import type { Registrar } from '../src/registrar/types';
import type { SecretBox } from '../src/secrets';
import { DomainFailures, type DomainOperationInput } from '../workflows/contracts';

export interface DomainActivityDeps {
  db: Knex;
  registrar: Registrar;
  secrets: SecretBox;
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

  return {
    /** Performs one domain operation at the registrar and records its effect locally. */
    async applyDomainOperation(input: DomainOperationInput): Promise<Record<string, unknown>> {
      const { domain, domainId, operation } = input;
      try {
        switch (operation.op) {
          case 'sync': {
            const info = await registrar.info(domain);
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
                .update({ ...after, lastSyncedAt: trx.fn.now(), updatedAt: trx.fn.now() });
              if (Object.keys(drift).length > 0) {
                await trx('auditEvents').insert({
                  resellerId: input.resellerId,
                  type: 'registrar_drift',
                  subjectType: 'domain',
                  subjectId: domain,
                  data: { drift },
                });
              }
              return { drift: Object.keys(drift) };
            });
          }
          case 'set_nameservers':
            await registrar.setNameservers(domain, operation.nameservers);
            await db('domains')
              .where({ id: domainId })
              .update({ nameservers: operation.nameservers, updatedAt: db.fn.now() });
            return { nameservers: operation.nameservers };
          case 'set_contacts':
            await registrar.setContacts(domain, operation.contacts);
            return {};
          case 'set_lock':
            await registrar.setLock(domain, operation.locked);
            await db('domains')
              .where({ id: domainId })
              .update({ locked: operation.locked, updatedAt: db.fn.now() });
            return { locked: operation.locked };
          case 'set_privacy':
            await registrar.setPrivacy(domain, operation.privacy);
            await db('domains')
              .where({ id: domainId })
              .update({ privacy: operation.privacy, updatedAt: db.fn.now() });
            return { privacy: operation.privacy };
          case 'request_epp':
            // Sealed: the code never sits in workflow history in clear.
            return { sealedAuthCode: deps.secrets.seal(await registrar.getAuthCode(domain)) };
        }
      } catch (err) {
        return domainRegistrarFailure(err);
      }
    },
  };
}
