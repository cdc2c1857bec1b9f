import type { Knex } from 'knex';
import type { ContactRefs, ContactRow, Domain } from '../src/db/models';
import { RegistrarError } from '../src/registrar/errors';
import type { Registrar } from '../src/registrar/types';
import { usingContact } from '../src/services/contacts';
import { setDomainContactHandles } from './contact-mirror';

/**
 * Contact handles at the registrar: a domain's Whois set to its handles (made there once), the
 * push of an edited handle to each domain using it, and the deletion there of the contacts no
 * domain uses any more.
 */
export function createContactActivities(deps: { db: Knex; registrar: Registrar }) {
  const { db, registrar } = deps;

  const setDomainContacts = (domainId: number, refs: ContactRefs) =>
    setDomainContactHandles(db, registrar, domainId, refs);

  return {
    /** The push's next page: domains using the handle after `afterId`, in ID order. */
    async domainsUsingContact(
      contactId: number,
      afterId: number,
      limit: number,
    ): Promise<Array<{ id: number; name: string; resellerId: number }>> {
      return (await db('domains')
        .where('id', '>', afterId)
        .where(usingContact(contactId))
        .orderBy('id')
        .limit(limit)
        .select('id', 'name', 'resellerId')) as Array<{ id: number; name: string; resellerId: number }>;
    },

    /**
     * One domain of the push: its Whois set to its handles' current registrar contacts. A refusal
     * by the registrar is final for this domain (kept in the audit trail for review); the push
     * goes on with the others.
     */
    async pushContactsToDomain(domainId: number): Promise<'pushed' | 'unchanged' | 'refused'> {
      const domain = (await db('domains').where({ id: domainId }).first()) as Domain | undefined;
      if (!domain?.registrantContactId || !domain.adminContactId) return 'unchanged';
      try {
        const refs = { registrant: domain.registrantContactId, admin: domain.adminContactId };
        return (await setDomainContacts(domainId, refs)) ? 'pushed' : 'unchanged';
      } catch (err) {
        if (!(err instanceof RegistrarError) || err.retryable) throw err;
        await db('auditEvents').insert({
          resellerId: domain.resellerId,
          type: 'contact_push_refused',
          subjectType: 'domain',
          subjectId: domain.name,
          data: { reason: err.message },
        });
        return 'refused';
      }
    },

    /**
     * Deletes at the registrar the handle's earlier contacts that no domain's Whois names any
     * more (a contact still named stays, for a later push to retire). Answers how many went.
     */
    async retireRegistrarContacts(contactId: number): Promise<number> {
      const row = (await db('contacts').where({ id: contactId }).first()) as ContactRow;
      const candidates = [
        ...row.retiredRegistrarIds,
        // A deleted handle's current contact is retired too.
        ...(row.deletedAt && row.registrarContactId ? [row.registrarContactId] : []),
      ];
      let retired = 0;
      for (const id of new Set(candidates)) {
        const used = (await db('domains')
          .whereRaw("contact_ids->>'registrant' = ? OR contact_ids->>'admin' = ?", [id, id])
          .first('id')) as { id: number } | undefined;
        if (used) continue;
        try {
          await registrar.deleteContact(id);
        } catch (err) {
          if (!(err instanceof RegistrarError) || err.retryable) throw err;
          // Still named by a domain there (outside our record): kept for a later push to retire.
          if (!/not found/i.test(err.message)) continue;
          // Otherwise gone already (a retried step): nothing left to delete.
        }
        await db('contacts')
          .where({ id: contactId })
          .update({
            retiredRegistrarIds: db.raw('array_remove(retired_registrar_ids, ?)', [id]),
            ...(id === row.registrarContactId ? { registrarContactId: null, registrarVersion: null } : {}),
          });
        retired += 1;
      }
      return retired;
    },
  };
}
