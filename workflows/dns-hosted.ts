import { patched, setCurrentDetails } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { type DnsChange, type DnsChangeResult, type DnsZoneInput, type ZoneMode } from './contracts';
import { rejection } from './failures';
import { addonSteps, keysServed, local, registrarSteps } from './dns-steps';

/** Whether a change is the hosted addon's to apply: a hosted zone's, enabling the addon, or DNSSEC. */
export function isHostedChange(change: DnsChange, zone: ZoneMode | null): boolean {
  return (
    (zone?.status === 'active' && zone.mode === 'hosted') ||
    (change.kind === 'provision' && change.hosted === true) ||
    change.kind === 'dnssec'
  );
}

/** Runs `step`; a final refusal comes back as the caller's answer, anything else is rethrown. */
async function refusalOf(step: () => Promise<unknown>): Promise<{ code: string; message: string } | null> {
  try {
    await step();
    return null;
  } catch (err) {
    const rejected = rejection(err);
    if (!rejected) throw err;
    return rejected;
  }
}

/**
 * A change to a zone on the hosted DNS addon, each step durable and the partial work of a refused
 * one undone: provisioning publishes the zone and delegates the domain to the addon's
 * nameservers (undone when either is refused); record edits are published before they are
 * answered (a refused one undone: the records as they were); cancelling removes the DS,
 * restores the nameservers and removes the zone, in that order; DNSSEC signs the zone and sends
 * its DS to the registrar once the addon serves its keys (unsigned again when refused), or removes the DS first and then unsigns.
 */
export async function hostedChange(
  input: DnsZoneInput,
  change: DnsChange,
  zone: ZoneMode | null,
  /** Sets (ms from now) or clears (null) the zone's unsign timer, which the zone workflow keeps. */
  unsignIn: (ms: number | null) => void = () => undefined,
): Promise<DnsChangeResult> {
  const { domainId, domain } = input;
  const publish = () =>
    addonSteps.publishHostedZone.executeWithOptions(
      { summary: `Publish the zone of ${domain} on the DNS addon` },
      [domainId],
    );
  const active = zone?.status === 'active' && zone.mode === 'hosted';

  switch (change.kind) {
    case 'provision': {
      setCurrentDetails(`Provisioning the hosted DNS zone of ${domain}.`);
      let records: NonNullable<Extract<DnsChange, { kind: 'provision' }>['records']> = [];
      if (zone?.status !== 'active') {
        const refused = await refusalOf(async () => {
          records = await registrarSteps().readRegistrarDns.executeWithOptions(
            { summary: `Import the records the registrar publishes for ${domain}` },
            [domainId],
          );
        });
        if (refused) return { ok: false, ...refused };
      }
      const result = await local.applyDnsChange(domainId, { kind: 'provision', hosted: true, records });
      if (!result.ok) return result;
      const refused = await refusalOf(async () => {
        await publish();
        await registrarSteps().delegateToAddon.executeWithOptions(
          { summary: `Set the nameservers of ${domain} to the DNS addon's at the registrar` },
          [domainId],
        );
      });
      if (refused) {
        if (active) return { ok: false, ...refused };
        // Compensation: nothing of a provisioning that cannot finish stays behind.
        await addonSteps.removeHostedZone(domainId);
        await local.revertHostedProvision(domainId, zone);
        return { ok: false, ...refused };
      }
      return result;
    }
    case 'cancel': {
      if (!active) return local.applyDnsChange(domainId, change);
      setCurrentDetails(`Cancelling the hosted DNS zone of ${domain}.`);
      const refused = await refusalOf(async () => {
        if (zone.dnssec === 'on')
          await registrarSteps().removeDsAtRegistrar.executeWithOptions(
            { summary: `Remove the DS records of ${domain} at the registrar` },
            [domainId],
          );
        await registrarSteps().restoreNameservers.executeWithOptions(
          { summary: `Restore the nameservers ${domain} had before the DNS addon` },
          [domainId],
        );
        await addonSteps.removeHostedZone(domainId);
      });
      if (refused) return { ok: false, ...refused };
      unsignIn(null);
      return { ok: true, version: await local.finishHostedCancel(domainId) };
    }
    case 'dnssec': {
      if (!active)
        return {
          ok: false,
          code: 'dns_not_hosted',
          message: 'DNSSEC needs DNS management on the hosted DNS addonSteps.',
        };
      if (change.enabled) {
        setCurrentDetails(`Signing the zone of ${domain} and sending its DS to the registrar.`);
        let ds: Awaited<ReturnType<Activities['signHostedZone']>> = [];
        const unsigned = await refusalOf(async () => {
          ds = await addonSteps.signHostedZone(domainId);
        });
        if (unsigned) return { ok: false, ...unsigned };
        // The DS goes to the parent only once every addon server serves its key, signed: a
        // resolver that follows the DS finds the key (runs from before the patch sent it at once).
        const refused = await refusalOf(async () => {
          if (patched('dnssec-keys-served-before-ds'))
            await keysServed.awaitKeysServed.executeWithOptions(
              { summary: `Wait until the DNS addon serves the signed keys of ${domain}` },
              [domainId, ds],
            );
          await registrarSteps().sendDsToRegistrar.executeWithOptions(
            { summary: `Send the DS records of ${domain} to the registrar` },
            [domainId, ds],
          );
        });
        if (refused) {
          // A zone that was unsigning stays so (its timer runs on); a new one is unsigned again.
          if (zone.dnssec !== 'unsigning') await addonSteps.unsignHostedZone(domainId);
          return { ok: false, ...refused };
        }
        unsignIn(null);
      } else if (zone.dnssec === 'unsigning') {
        // Already on its way off: the timer set then stands.
      } else if (patched('dnssec-unsign-after-ds-ttl')) {
        // The DS goes first; the zone stays signed until resolvers that cached it let it go.
        setCurrentDetails(
          `Removing the DS of ${domain} at the registrar; the zone stays signed for the DS TTL.`,
        );
        const refused = await refusalOf(() =>
          registrarSteps().removeDsAtRegistrar.executeWithOptions(
            { summary: `Remove the DS records of ${domain} at the registrar` },
            [domainId],
          ),
        );
        if (refused) return { ok: false, ...refused };
        unsignIn(await local.beginUnsign(domainId));
      } else {
        setCurrentDetails(`Removing the DS of ${domain} at the registrar, then unsigning the zone.`);
        const refused = await refusalOf(async () => {
          await registrarSteps().removeDsAtRegistrar.executeWithOptions(
            { summary: `Remove the DS records of ${domain} at the registrar` },
            [domainId],
          );
          await addonSteps.unsignHostedZone(domainId);
        });
        if (refused) return { ok: false, ...refused };
      }
      return { ok: true, version: 0 };
    }
    default: {
      // A record edit the DNS server refuses leaves the records as they were (runs from before
      // the patch kept the edit and marked the push failed).
      const undoable = change.kind !== 'push' && patched('dns-refused-edit-undone');
      const result = await local.applyDnsChange(domainId, change, undoable ? { undoable } : undefined);
      if (!result.ok) return result;
      if (change.kind === 'replace' && !change.push) return result;
      const refused = await refusalOf(publish);
      if (refused) {
        if (undoable) await local.undoDnsChange(domainId, result.version, refused.message);
        else await local.recordDnsPushFailure(domainId, refused.message);
        return { ok: false, ...refused };
      }
      return result;
    }
  }
}
