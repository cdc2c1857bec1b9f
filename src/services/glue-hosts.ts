import { isIP } from 'node:net';
import type { Knex } from 'knex';
import { z } from 'zod';
import type { DomainOperation } from '../../workflows/contracts';
import type { Domain } from '../db/models';
import { hostnameSchema } from '../domain-name';
import { queueFor } from '../temporal/queues';
import type { CoreDeps } from './deps';
import { runDomainOperation } from './domain-ops';
import { notFound, unprocessable, zodFieldErrors } from './errors';

/** A host and its addresses, as the API and the portal take them: 1 to 10 distinct IPv4 or IPv6 addresses. */
export const glueHostBody = z.object({
  host: hostnameSchema('The host must be a valid hostname.'),
  ips: z
    .array(
      z
        .string()
        .trim()
        .refine((ip) => isIP(ip) !== 0, { message: 'Each address must be an IPv4 or IPv6 address.' }),
      { error: "Send the host's addresses as a list." },
    )
    .min(1, 'Send 1 to 10 addresses.')
    .max(10, 'Send 1 to 10 addresses.')
    .refine((list) => new Set(list).size === list.length, { message: 'Addresses must be distinct.' }),
});

/** Our record of a domain's nameserver hosts (glue), by name. */
export interface GlueHostRecord {
  host: string;
  ips: string[];
  createdAt: Date;
  updatedAt: Date;
}

export async function glueHostsOf(db: Knex, domainId: number): Promise<GlueHostRecord[]> {
  return (await db('glueHosts')
    .where({ domainId })
    .orderBy('host')
    .select('host', 'ips', 'createdAt', 'updatedAt')) as GlueHostRecord[];
}

/** A host's glue belongs to the domain it sits under: 422 with a field error for any other. */
export function assertUnder(domain: Pick<Domain, 'name'>, host: string): void {
  if (!host.toLowerCase().endsWith(`.${domain.name}`))
    throw unprocessable('validation_error', `The host must be under ${domain.name}.`, {
      host: [`The host must be under ${domain.name} (such as ns1.${domain.name}).`],
    });
}

/** A host of this domain we registered: 404 `host_not_found` otherwise. */
export async function assertKnownHost(
  db: Knex,
  domain: Pick<Domain, 'id' | 'name'>,
  host: string,
): Promise<void> {
  assertUnder(domain, host);
  const row = (await db('glueHosts').where({ domainId: domain.id, host: host.toLowerCase() }).first('id')) as
    { id: number } | undefined;
  if (!row) throw notFound('No such nameserver host under this domain.', 'host_not_found');
}

/** Registers, readdresses or deletes a host by a domain operation workflow, waiting for its answer (the CLI's path). */
export async function runHostOperation(
  deps: Pick<CoreDeps, 'db' | 'temporal' | 'config'>,
  domain: Pick<Domain, 'id' | 'name' | 'resellerId'>,
  operation: Extract<DomainOperation, { op: 'register_host' | 'set_host_ips' | 'delete_host' }>,
): Promise<Record<string, unknown>> {
  if (operation.op === 'register_host') assertUnder(domain, operation.host);
  else await assertKnownHost(deps.db, domain, operation.host);
  const outcome = await runDomainOperation(
    { temporal: deps.temporal, taskQueue: queueFor(deps.config, 'domainOperationWorkflow') },
    { resellerId: domain.resellerId, domainId: domain.id, domain: domain.name, operation },
    deps.config.WORKFLOW_ANSWER_TIMEOUT_MS,
  );
  if (!outcome.done) return { operation: { id: outcome.workflowId, status: 'processing' } };
  if (!outcome.result.ok) throw unprocessable(outcome.result.code, outcome.result.message);
  return outcome.result.data;
}

/**
 * Registers a host under the domain, or readdresses it when we hold it already (the portal's
 * form and `host:set`): checked as the API checks it (422 with field errors).
 */
export async function setGlueHost(
  deps: Pick<CoreDeps, 'db' | 'temporal' | 'config'>,
  domain: Pick<Domain, 'id' | 'name' | 'resellerId'>,
  input: { host: string; ips: string[] },
): Promise<{ host: string; ips: string[]; registered: boolean }> {
  const parsed = glueHostBody.safeParse(input);
  if (!parsed.success)
    throw unprocessable(
      'validation_error',
      'Check the host and its addresses.',
      zodFieldErrors(parsed.error),
    );
  const { host, ips } = parsed.data;
  const known = (await glueHostsOf(deps.db, domain.id)).some((h) => h.host === host);
  await runHostOperation(
    deps,
    domain,
    known ? { op: 'set_host_ips', host, ips } : { op: 'register_host', host, ips },
  );
  return { host, ips, registered: !known };
}
