import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  patched,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DnsChangeResult, DnsZoneInput, DomainOperationInput, DomainOperationResult } from './contracts';
import { dnsChangeUpdate } from './messages';

const REJECTED = ['RegistrarRejected', 'Unsupported'];

const registrar = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '30 seconds',
    maximumAttempts: 10,
    nonRetryableErrorTypes: REJECTED,
  },
});

/** DNS pushes retry until the registrar answers; a newer record set is read at each attempt. */
const push = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', nonRetryableErrorTypes: REJECTED },
});

/** Registrar reads: retried until the registrar answers; a refusal is final. */
const registrarRead = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', nonRetryableErrorTypes: REJECTED },
});

const local = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', maximumInterval: '10 seconds' },
});

function rejection(err: unknown): { code: string; message: string } | null {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure && cause.type && REJECTED.includes(cause.type)) {
    return {
      code: cause.type === 'Unsupported' ? 'unsupported_capability' : 'registrar_rejected',
      message: cause.message,
    };
  }
  return null;
}

/** One registrar-touching change to a domain (nameservers, contacts, lock, privacy, EPP, sync), retried durably. */
export async function domainOperationWorkflow(input: DomainOperationInput): Promise<DomainOperationResult> {
  try {
    return { ok: true, data: await registrar.applyDomainOperation(input) };
  } catch (err) {
    const rejected = rejection(err);
    if (rejected) return { ok: false, ...rejected };
    throw err;
  }
}

/**
 * A domain's DNS zone: edits arrive as `dnsChange` updates and are applied one at a time (so
 * concurrent edits cannot interleave); the latest record set is then pushed to the registrar,
 * retried until it answers. A newer change supersedes a push still retrying. The workflow ends
 * after a quiet minute and starts again with the next change.
 */
export async function dnsZoneWorkflow(input: DnsZoneInput): Promise<void> {
  let dirty = false;
  setHandler(dnsChangeUpdate, async (change): Promise<DnsChangeResult> => {
    // Provisioning imports the zone the registrar publishes instead of pushing an empty set over it.
    const imports = change.kind === 'provision' && patched('dns-provision-imports-registrar-zone');
    let applied = change;
    if (imports) {
      try {
        applied = { kind: 'provision', records: await registrarRead.readRegistrarDns(input.domainId) };
      } catch (err) {
        const rejected = rejection(err);
        if (!rejected) throw err;
        return { ok: false, ...rejected };
      }
    }
    const result = await local.applyDnsChange(input.domainId, applied);
    const pushes =
      change.kind === 'push' ||
      (change.kind === 'provision' && !imports) ||
      (change.kind === 'replace' ? change.push : true);
    if (result.ok && change.kind !== 'cancel' && pushes) dirty = true;
    return result;
  });

  for (;;) {
    const woke = await condition(() => dirty, '1 minute');
    if (!woke) {
      await condition(allHandlersFinished);
      if (!dirty) return;
    }
    dirty = false;
    try {
      await push.pushDnsZone(input.domainId);
    } catch (err) {
      const rejected = rejection(err);
      if (!rejected) throw err;
      await local.recordDnsPushFailure(input.domainId, rejected.message);
    }
  }
}
