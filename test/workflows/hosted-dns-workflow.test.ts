import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { describe, expect, it, vi } from 'vitest';
import type { Activities } from '../../activities';
import type { dnsZoneWorkflow } from '../../workflows';
import {
  type DnsChange,
  type DnsChangeResult,
  type DnsRecordData,
  DomainFailures,
  type ZoneMode,
} from '../../workflows/contracts';
import { dnsChangeUpdate } from '../../workflows/messages';
import { mockedWorker, useMockedTemporal } from './mocked';

/*
 * The DNS zone workflow's hosted-addon path against mocked activities: which steps run, in which
 * order, and what a refusal undoes. (test/dns/hosted.test.ts runs the same against PowerDNS.)
 */

const t = useMockedTemporal();
type Mocks = Partial<{ [K in keyof Activities]: ReturnType<typeof vi.fn<Activities[K]>> }>;
const zone = { domainId: 9, resellerId: 1, domain: 'hosted-unit.com', quietSeconds: 1 };
const RECORD = { type: 'A', name: 'www', value: '192.0.2.1', ttl: 3600 } as DnsRecordData;
const HOSTED: ZoneMode = { mode: 'hosted', status: 'active', dnssec: 'off', delegated: true };
const DS = [{ keyTag: 1, algorithm: 13, digestType: 2, digest: 'ab' }];
const refused = (message: string) =>
  ApplicationFailure.nonRetryable(message, DomainFailures.RegistrarRejected);

function mocks(mode: ZoneMode | null) {
  const calls: string[] = [];
  const step = <K extends keyof Activities>(name: K, value?: unknown) =>
    vi.fn(() => {
      calls.push(name);
      return Promise.resolve(value);
    }) as unknown as NonNullable<Mocks[K]>;
  const m = {
    dnsZoneMode: step('dnsZoneMode', mode),
    readRegistrarDns: step('readRegistrarDns', [RECORD]),
    applyDnsChange: step('applyDnsChange', { ok: true, version: 1, line: 1 } satisfies DnsChangeResult),
    publishHostedZone: step('publishHostedZone'),
    delegateToAddon: step('delegateToAddon'),
    removeHostedZone: step('removeHostedZone'),
    revertHostedProvision: step('revertHostedProvision'),
    restoreNameservers: step('restoreNameservers', []),
    finishHostedCancel: step('finishHostedCancel', 3),
    signHostedZone: step('signHostedZone', DS),
    awaitKeysServed: step('awaitKeysServed'),
    sendDsToRegistrar: step('sendDsToRegistrar'),
    removeDsAtRegistrar: step('removeDsAtRegistrar'),
    unsignHostedZone: step('unsignHostedZone'),
    // The zone stays signed 1 s after its DS left the registrar (2 days live).
    beginUnsign: step('beginUnsign', 1_000),
    finishUnsign: step('finishUnsign', true),
    recordDnsPushFailure: step('recordDnsPushFailure'),
    undoDnsChange: step('undoDnsChange', true),
    pushDnsZone: step('pushDnsZone'),
  } satisfies Mocks;
  return { m, calls };
}

async function change(activities: Mocks, c: DnsChange) {
  const { worker, taskQueue } = await mockedWorker(t, activities);
  return worker.runUntil(async () => {
    const operation = new WithStartWorkflowOperation<typeof dnsZoneWorkflow>('dnsZoneWorkflow', {
      workflowId: `unit-hosted-${randomUUID()}`,
      taskQueue,
      args: [zone],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    const result = await t.client.workflow.executeUpdateWithStart(dnsChangeUpdate, {
      startWorkflowOperation: operation,
      args: [c],
    });
    await (await operation.workflowHandle()).result();
    return result;
  });
}

describe('the DNS zone workflow on the hosted addon', () => {
  it('provisions: imports, records, publishes, then delegates; nothing is pushed to the registrar', async () => {
    const { m, calls } = mocks(null);
    expect(await change(m, { kind: 'provision', hosted: true })).toMatchObject({ ok: true });
    expect(calls).toEqual([
      'dnsZoneMode',
      'readRegistrarDns',
      'applyDnsChange',
      'publishHostedZone',
      'delegateToAddon',
    ]);
    expect(m.applyDnsChange).toHaveBeenCalledWith(zone.domainId, {
      kind: 'provision',
      hosted: true,
      records: [RECORD],
    });
  });

  it('undoes a provisioning whose delegation the registrar refuses', async () => {
    const { m, calls } = mocks(null);
    m.delegateToAddon.mockImplementation(() => {
      calls.push('delegateToAddon');
      return Promise.reject(refused('nameserver not registered'));
    });
    expect(await change(m, { kind: 'provision', hosted: true })).toEqual({
      ok: false,
      code: 'registrar_rejected',
      message: 'nameserver not registered',
    });
    expect(calls.slice(-3)).toEqual(['delegateToAddon', 'removeHostedZone', 'revertHostedProvision']);
    expect(m.revertHostedProvision).toHaveBeenCalledWith(zone.domainId, null);
  });

  it('publishes a record edit before answering it', async () => {
    const { m, calls } = mocks(HOSTED);
    expect(await change(m, { kind: 'create', record: RECORD })).toMatchObject({ ok: true, line: 1 });
    expect(calls).toEqual(['dnsZoneMode', 'applyDnsChange', 'publishHostedZone']);
  });

  it('undoes a record edit the DNS server refuses to publish, instead of keeping it as a failed push', async () => {
    const { m, calls } = mocks(HOSTED);
    m.publishHostedZone.mockImplementation(() => {
      calls.push('publishHostedZone');
      return Promise.reject(
        ApplicationFailure.nonRetryable(
          'The DNS service refused the zone: bad',
          DomainFailures.DnsAddonRejected,
        ),
      );
    });
    expect(await change(m, { kind: 'delete', ref: '1' })).toEqual({
      ok: false,
      code: 'dns_rejected',
      message: 'The DNS service refused the zone: bad',
    });
    expect(calls).toEqual(['dnsZoneMode', 'applyDnsChange', 'publishHostedZone', 'undoDnsChange']);
    expect(m.applyDnsChange).toHaveBeenCalledWith(
      zone.domainId,
      { kind: 'delete', ref: '1' },
      { undoable: true },
    );
    expect(m.undoDnsChange).toHaveBeenCalledWith(zone.domainId, 1, 'The DNS service refused the zone: bad');
    // A refused push of rows already held (nothing edited) is recorded as failed: nothing to undo.
    const again = mocks(HOSTED);
    again.m.publishHostedZone.mockRejectedValue(
      ApplicationFailure.nonRetryable('refused', DomainFailures.DnsAddonRejected),
    );
    expect(await change(again.m, { kind: 'push' })).toMatchObject({ ok: false });
    expect(again.calls.slice(-1)).toEqual(['recordDnsPushFailure']);
  });

  it('cancels a signed zone: DS removed, nameservers restored, zone removed, in that order', async () => {
    const { m, calls } = mocks({ ...HOSTED, dnssec: 'on' });
    expect(await change(m, { kind: 'cancel' })).toEqual({ ok: true, version: 3 });
    expect(calls).toEqual([
      'dnsZoneMode',
      'removeDsAtRegistrar',
      'restoreNameservers',
      'removeHostedZone',
      'finishHostedCancel',
    ]);
  });

  it('signs then sends the DS; a refused DS unsigns the zone again', async () => {
    const ok = mocks(HOSTED);
    expect(await change(ok.m, { kind: 'dnssec', enabled: true })).toMatchObject({ ok: true });
    expect(ok.calls).toEqual(['dnsZoneMode', 'signHostedZone', 'awaitKeysServed', 'sendDsToRegistrar']);
    expect(ok.m.awaitKeysServed).toHaveBeenCalledWith(zone.domainId, DS);
    expect(ok.m.sendDsToRegistrar).toHaveBeenCalledWith(zone.domainId, DS);

    const no = mocks(HOSTED);
    no.m.sendDsToRegistrar.mockImplementation(() => {
      no.calls.push('sendDsToRegistrar');
      return Promise.reject(refused('invalid dnssec record'));
    });
    expect(await change(no.m, { kind: 'dnssec', enabled: true })).toMatchObject({
      ok: false,
      code: 'registrar_rejected',
    });
    expect(no.calls).toEqual([
      'dnsZoneMode',
      'signHostedZone',
      'awaitKeysServed',
      'sendDsToRegistrar',
      'unsignHostedZone',
    ]);

    // The addon's servers never served the keys: no DS is sent, the zone is unsigned again.
    const unserved = mocks(HOSTED);
    unserved.m.awaitKeysServed.mockImplementation(() => {
      unserved.calls.push('awaitKeysServed');
      return Promise.reject(
        ApplicationFailure.nonRetryable('did not serve the signed keys', DomainFailures.DnsAddonRejected),
      );
    });
    expect(await change(unserved.m, { kind: 'dnssec', enabled: true })).toMatchObject({
      ok: false,
      code: 'dns_rejected',
    });
    expect(unserved.calls).toEqual(['dnsZoneMode', 'signHostedZone', 'awaitKeysServed', 'unsignHostedZone']);
  });

  it('removes the DS, keeps the zone signed for the DS TTL, then unsigns; keeps it signed when the removal is refused', async () => {
    const ok = mocks({ ...HOSTED, dnssec: 'on' });
    expect(await change(ok.m, { kind: 'dnssec', enabled: false })).toMatchObject({ ok: true });
    // The run does not end before its timer: the unsign is the last thing it does.
    expect(ok.calls).toEqual(['dnsZoneMode', 'removeDsAtRegistrar', 'beginUnsign', 'finishUnsign']);

    const no = mocks({ ...HOSTED, dnssec: 'on' });
    no.m.removeDsAtRegistrar.mockImplementation(() => {
      no.calls.push('removeDsAtRegistrar');
      return Promise.reject(refused('registry busy'));
    });
    expect(await change(no.m, { kind: 'dnssec', enabled: false })).toMatchObject({ ok: false });
    expect(no.calls).toEqual(['dnsZoneMode', 'removeDsAtRegistrar']);
  });

  it('signs again a zone that is still unsigning: its DS goes back, nothing is unsigned', async () => {
    const { m, calls } = mocks({ ...HOSTED, dnssec: 'unsigning' });
    expect(await change(m, { kind: 'dnssec', enabled: true })).toMatchObject({ ok: true });
    expect(calls).toEqual(['dnsZoneMode', 'signHostedZone', 'awaitKeysServed', 'sendDsToRegistrar']);
  });

  it('refuses DNSSEC on a zone that is not on the addon', async () => {
    const { m, calls } = mocks({ ...HOSTED, mode: 'registrar' });
    expect(await change(m, { kind: 'dnssec', enabled: true })).toMatchObject({
      ok: false,
      code: 'dns_not_hosted',
    });
    expect(calls).toEqual(['dnsZoneMode']);
  });
});
