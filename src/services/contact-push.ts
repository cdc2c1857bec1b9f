import { queueFor, type WorkflowStarter } from '../temporal/queues';
import type { ContactInput } from '../vocabulary';
import type { CoreDeps } from './deps';
import { deleteContact, editContact } from './contacts';
import type { ContactRow } from '../db/models';
import type { contactPushWorkflow } from '../../workflows';
import { type ContactPushInput, contactPushWorkflowId, ResellerIdAttr } from '../../workflows/contracts';
import { type ResellerRef, rows, type RunLabel, runOptions, who } from '../../workflows/summaries';

/**
 * Starts the push of a handle's current version to the domains using it (and the deletion at
 * the registrar of its contacts no domain names any more): one run per handle and version, so a
 * retried edit attaches to the run already going. Answers the run's workflow ID.
 */
export async function startContactPush(
  { temporal, taskQueue }: WorkflowStarter,
  contact: ContactRow,
  domains: number,
  resellerName?: string,
): Promise<string> {
  const input: ContactPushInput = {
    resellerId: contact.resellerId,
    contactId: contact.id,
    publicId: contact.publicId,
    version: contact.version,
  };
  const workflowId = contactPushWorkflowId(contact.id, contact.version);
  await temporal.workflow.start<typeof contactPushWorkflow>('contactPushWorkflow', {
    taskQueue,
    workflowId,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    ...runOptions(contactPushLabel(input, domains, { id: contact.resellerId, name: resellerName }), [
      { key: ResellerIdAttr, value: String(contact.resellerId) },
    ]),
  });
  return workflowId;
}

/** What an edit did: the handle as it is now, and the push to its domains when any use it. */
export interface ContactEdit {
  contact: ContactRow;
  changed: boolean;
  domains: string[];
  /** The push's workflow ID (null: no domain uses the handle, or nothing changed). */
  push: string | null;
}

type PushDeps = Pick<CoreDeps, 'db' | 'temporal' | 'config'>;

/** Edits a handle and, when domains use it, starts the push of the new version to them. */
export async function editContactAndPush(
  deps: PushDeps,
  reseller: { id: number; name?: string },
  publicId: string,
  patch: Partial<ContactInput>,
): Promise<ContactEdit> {
  const edit = await editContact(deps.db, reseller.id, publicId, patch);
  const push =
    edit.changed && edit.use.domains.length > 0
      ? await startContactPush(
          { temporal: deps.temporal, taskQueue: queueFor(deps.config, 'contactPushWorkflow') },
          edit.contact,
          edit.use.domains.length,
          reseller.name,
        )
      : null;
  return { contact: edit.contact, changed: edit.changed, domains: edit.use.domains, push };
}

/** Deletes an unused handle; its contact at the registrar is then deleted there by a push run. */
export async function removeContact(
  deps: PushDeps,
  reseller: { id: number; name?: string },
  publicId: string,
): Promise<void> {
  const deleted = await deleteContact(deps.db, reseller.id, publicId);
  if (deleted.retiredRegistrarIds.length > 0)
    await startContactPush(
      { temporal: deps.temporal, taskQueue: queueFor(deps.config, 'contactPushWorkflow') },
      deleted,
      0,
      reseller.name,
    );
}

/** A partial body's fields that were sent (an absent field keeps its value). */
export function definedFields<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

/** An edited handle's push: the handle's public ID and version, never the person. */
export function contactPushLabel(input: ContactPushInput, domains: number, reseller: ResellerRef): RunLabel {
  return {
    staticSummary: `Push contact ${input.publicId} (version ${input.version}) to ${domains} domain${domains === 1 ? '' : 's'} · ${who(reseller)}`,
    staticDetails: rows([
      ['Contact', `${input.publicId} (#${input.contactId}, version ${input.version})`],
      ['Domains', String(domains)],
      ['Reseller', who(reseller)],
    ]),
  };
}
