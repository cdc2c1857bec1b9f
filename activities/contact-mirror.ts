import type { Knex } from 'knex';
import type { ContactRefs, ContactRow, Domain } from '../src/db/models';
import type { ContactIds, Contacts, Registrar } from '../src/registrar/types';
import type { ContactInput } from '../src/vocabulary';
import { contactOf } from '../src/services/contacts';

/**
 * The registrar's contact ID of a handle's current version, with the contact it holds: the one
 * made earlier (one plain read), or made now (`create_contact`) and kept on the handle. While it
 * is made the handle's row stays locked, so orders placed at once with the same handle make one
 * contact at the registrar, not one each; the ID an edit replaced is kept for deleting there
 * once no domain uses it.
 */
export async function registrarIdOfHandle(
  db: Knex,
  registrar: Registrar,
  contactId: number,
): Promise<{ id: string; contact: ContactInput }> {
  const mirrored = (row: ContactRow | undefined) =>
    row?.registrarContactId && row.registrarVersion === row.version ? row.registrarContactId : null;
  const seen = (await db('contacts').where({ id: contactId }).first()) as ContactRow | undefined;
  const known = mirrored(seen);
  if (known) return { id: known, contact: contactOf(seen!) };
  return db.transaction(async (trx) => {
    const row = (await trx('contacts').where({ id: contactId }).forUpdate().first()) as
      ContactRow | undefined;
    if (!row) throw new Error(`contact handle ${contactId} not found`);
    const made = mirrored(row);
    if (made) return { id: made, contact: contactOf(row) };
    const id = await registrar.createContact(contactOf(row));
    await trx('contacts')
      .where({ id: contactId })
      .update({
        registrarContactId: id,
        registrarVersion: row.version,
        ...(row.registrarContactId
          ? {
              retiredRegistrarIds: trx.raw('array_append(retired_registrar_ids, ?)', [
                row.registrarContactId,
              ]),
            }
          : {}),
      });
    return { id, contact: contactOf(row) };
  });
}

/** Both roles' registrar IDs and the contacts they hold (one when the admin is the registrant). */
export async function registrarIdsOfHandles(
  db: Knex,
  registrar: Registrar,
  refs: ContactRefs,
): Promise<{ ids: ContactIds; contacts: Contacts }> {
  const registrant = await registrarIdOfHandle(db, registrar, refs.registrant);
  const admin =
    refs.admin === refs.registrant ? registrant : await registrarIdOfHandle(db, registrar, refs.admin);
  return {
    ids: { registrant: registrant.id, admin: admin.id },
    contacts: { registrant: registrant.contact, admin: admin.contact },
  };
}

/**
 * Sets the domain's Whois to the handles' registrar contacts, and records them as ours (shown by
 * the registrar after its lag: the follow-up settles it). Nothing is sent when the registrar
 * was last given exactly these.
 */
export async function setDomainContactHandles(
  db: Knex,
  registrar: Registrar,
  domainId: number,
  refs: ContactRefs,
): Promise<boolean> {
  const domain = (await db('domains').where({ id: domainId }).first()) as Domain;
  const { ids, contacts } = await registrarIdsOfHandles(db, registrar, refs);
  const held = domain.contactIds;
  if (
    held?.registrant === ids.registrant &&
    held.admin === ids.admin &&
    domain.registrantContactId === refs.registrant &&
    domain.adminContactId === refs.admin
  )
    return false;
  await registrar.setWhois(domain.name, ids);
  await db('domains')
    .where({ id: domainId })
    .update({
      contacts: JSON.stringify(contacts),
      contactIds: JSON.stringify(ids),
      registrantContactId: refs.registrant,
      adminContactId: refs.admin,
      registrarPendingSince: db.fn.now(),
      updatedAt: db.fn.now(),
    });
  return true;
}
