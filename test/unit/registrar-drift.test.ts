import { describe, expect, it } from 'vitest';
import { disagreement } from '../../activities/registrar-sync';
import type { DomainInfo } from '../../src/registrar/types';

const shown = (over: Partial<DomainInfo> = {}): DomainInfo => ({
  domain: 'example.com',
  expiresAt: null,
  registeredAt: null,
  status: 'active',
  locked: false,
  privacy: 'off',
  nameservers: ['ns1.dynadot.com', 'ns2.dynadot.com'],
  contactIds: { registrant: '1000', admin: '1000' },
  ...over,
});

describe('what our record and the registrar disagree on', () => {
  it('is nothing when we sent no nameservers and the registrar holds its defaults', () => {
    // A registration without nameservers leaves the registrar's own (ns1/ns2.dynadot.com).
    const ours = { nameservers: [], locked: false, privacy: 'off' as const, contactIds: null };
    expect(disagreement(ours, shown())).toEqual([]);
  });

  it('names every field the registrar does not show', () => {
    const ours = {
      nameservers: ['ns1.brand.test', 'ns2.brand.test'],
      locked: true,
      privacy: 'full' as const,
      contactIds: { registrant: '1001', admin: '1000' },
    };
    expect(disagreement(ours, shown())).toEqual(['nameservers', 'locked', 'privacy', 'contacts']);
  });

  it('compares nameservers as a set, whatever their case and order', () => {
    const ours = {
      nameservers: ['NS2.dynadot.com', 'ns1.dynadot.com'],
      locked: false,
      privacy: 'off' as const,
      contactIds: null,
    };
    expect(disagreement(ours, shown())).toEqual([]);
  });
});
