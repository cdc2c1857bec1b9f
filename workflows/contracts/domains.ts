/** Domain management operations (nameservers, lock, privacy, contacts…) as workflows. Workflow-safe: no Node built-ins. */
import { type ContactInput } from '../../src/vocabulary';

/** Registrar refusals of domain and DNS operations (ApplicationFailure types): final, answered as 422. */
export const DomainFailures = {
  RegistrarRejected: 'RegistrarRejected',
  Unsupported: 'Unsupported',
  /** The hosted DNS addon's server refused a zone or its records. */
  DnsAddonRejected: 'DnsAddonRejected',
} as const;

export type DomainOperation =
  | { op: 'sync' }
  | { op: 'set_nameservers'; nameservers: string[] }
  /**
   * New runs name contact handles (`contacts.id`, read from Postgres by the step); runs from
   * before handles carry the people themselves.
   */
  | {
      op: 'set_contacts';
      contacts?: { registrant: ContactInput; admin: ContactInput };
      contactRefs?: { registrant: number; admin: number };
    }
  | { op: 'set_lock'; locked: boolean }
  | { op: 'set_privacy'; privacy: 'full' | 'partial' | 'off' }
  | { op: 'request_epp' }
  /** Glue: a nameserver host under this domain, with its addresses. */
  | { op: 'register_host'; host: string; ips: string[] }
  | { op: 'set_host_ips'; host: string; ips: string[] }
  | { op: 'delete_host'; host: string };

export interface DomainOperationInput {
  resellerId: number;
  domainId: number;
  domain: string;
  operation: DomainOperation;
}

export type DomainOperationResult =
  { ok: true; data: Record<string, unknown> } | { ok: false; code: string; message: string };

export const domainOperationWorkflowId = (resellerId: number, key: string): string =>
  `domain-op:${resellerId}:${key}`;
