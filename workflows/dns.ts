import { allHandlersFinished, condition, patched, setCurrentDetails, setHandler } from '@temporalio/workflow';
import type { DnsChange, DnsChangeResult, DnsZoneInput } from './contracts';
import { hostedChange, isHostedChange } from './dns-hosted';
import { rejection } from './failures';
import { addonSteps, local, registrarRead, registrarSteps } from './dns-steps';
import { dnsChangeUpdate } from './messages';

/**
 * A domain's DNS zone: edits arrive as `dnsChange` updates and are applied one at a time (so
 * concurrent edits cannot interleave). A zone on the hosted DNS addon is published by the change
 * itself (workflows/dns-hosted.ts); a registrar-hosted one's latest record set is then pushed,
 * retried until it answers. A newer change supersedes a push still retrying. The workflow ends
 * after a quiet minute and starts again with the next change.
 */
export async function dnsZoneWorkflow(input: DnsZoneInput): Promise<void> {
  let dirty = false;
  // When the zone is unsigned (DNSSEC turning off: the DS left the registrar, the zone still
  // signed for the DS TTL); null: no unsign waiting. Workflow time, so it replays.
  let unsignAt: number | null = null;
  const unsignIn = (ms: number | null) => {
    unsignAt = ms === null ? null : Date.now() + ms;
  };
  // Changes take turns: each is applied (and, on the hosted addon, published) before the next.
  let turn: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = turn.then(fn);
    turn = run.catch(() => undefined);
    return run;
  };
  const registrarHosted = async (change: DnsChange): Promise<DnsChangeResult> => {
    // Provisioning imports the zone the registrar publishes instead of pushing an empty set over it.
    const imports = change.kind === 'provision' && patched('dns-provision-imports-registrar-zone');
    let applied = change;
    if (imports) {
      try {
        applied = {
          kind: 'provision',
          records: await registrarRead().readRegistrarDns.executeWithOptions(
            { summary: `Import the records the registrar publishes for ${input.domain}` },
            [input.domainId],
          ),
        };
      } catch (err) {
        const rejected = rejection(err);
        if (!rejected) throw err;
        return { ok: false, ...rejected };
      }
    }
    const result = await local.applyDnsChange(input.domainId, applied);
    // An imported zone is live as it is: nothing to push (runs from before the patch pushed it back).
    const pushes =
      change.kind === 'provision'
        ? !imports || !patched('dns-provision-import-pushes-nothing')
        : change.kind === 'push' || (change.kind === 'replace' ? change.push : true);
    if (result.ok && change.kind !== 'cancel' && pushes) dirty = true;
    return result;
  };
  setHandler(dnsChangeUpdate, (change): Promise<DnsChangeResult> => {
    // Runs begun before the hosted DNS addon apply every change as registrar-hosted, unserialised.
    if (!patched('hosted-dns-addon')) return registrarHosted(change);
    return inTurn(async () => {
      const zone = await local.dnsZoneMode(input.domainId);
      return isHostedChange(change, zone)
        ? hostedChange(input, change, zone, unsignIn)
        : registrarHosted(change);
    });
  });

  for (let pushes = 0; ;) {
    setCurrentDetails(
      `Waiting for the next DNS change to ${input.domain} (ends after a quiet minute); ${pushes} publish${pushes === 1 ? '' : 'es'} in this run.`,
    );
    const quietMs = (input.quietSeconds ?? 60) * 1000;
    if (unsignAt !== null) {
      // A durable timer: the zone is unsigned when it ends (a change meanwhile is taken first).
      const due = unsignAt;
      setCurrentDetails(
        `DNSSEC is turning off for ${input.domain}: its DS is gone from the registrar, and the zone stays signed until ${new Date(due).toISOString()}, then it is unsigned.`,
      );
      if (!(await condition(() => dirty || unsignAt !== due, Math.max(0, due - Date.now())))) {
        await inTurn(async () => {
          if (unsignAt !== due) return;
          unsignAt = null;
          await addonSteps.finishUnsign.executeWithOptions(
            { summary: `Unsign the zone of ${input.domain} (its DS left the registrar a DS TTL ago)` },
            [input.domainId],
          );
        });
        continue;
      }
      if (!dirty) continue;
    } else {
      // An unsign set by a change meanwhile wakes it too (its timer is then waited above).
      const woke = await condition(() => dirty || unsignAt !== null, quietMs);
      if (!woke) {
        await condition(allHandlersFinished);
        if (!dirty && unsignAt === null) return;
      }
      if (!dirty) continue;
    }
    dirty = false;
    pushes += 1;
    setCurrentDetails(`Publishing the zone of ${input.domain} to the registrar (retried until it answers).`);
    try {
      // A push retries until the registrar answers; a newer record set is read at each attempt.
      await registrarSteps().pushDnsZone.executeWithOptions(
        { summary: `Publish the record set of ${input.domain} to the registrar (set_dns2)` },
        [input.domainId],
      );
    } catch (err) {
      const rejected = rejection(err);
      if (!rejected) throw err;
      await local.recordDnsPushFailure(input.domainId, rejected.message);
    }
  }
}
