/** The push of an edited contact handle to every domain using it. Workflow-safe: no Node built-ins. */

export interface ContactPushInput {
  resellerId: number;
  /** `contacts.id` of the handle. */
  contactId: number;
  /** Its public ID (`con_…`), for the run's summary. */
  publicId: string;
  /** The handle's version the push was started for (a later edit starts its own push). */
  version: number;
  /** Continue-as-new: the last domain (`domains.id`) already pushed. */
  afterDomainId?: number;
  /** Continue-as-new: what the runs before this one did. */
  done?: ContactPushTotals;
}

export interface ContactPushTotals {
  /** Domains whose Whois now names the handle's current registrar contact. */
  pushed: number;
  /** Domains that already did (a retried or overlapping push). */
  unchanged: number;
  /** Domains whose change the registrar refused (each in the audit trail as `contact_push_refused`). */
  refused: number;
  /** Registrar contacts of earlier versions deleted there once no domain used them. */
  retired: number;
}

/** The push's workflow ID: one per handle and version (a retried edit attaches to it). */
export const contactPushWorkflowId = (contactId: number, version: number): string =>
  `contact-push-${contactId}-v${version}`;
