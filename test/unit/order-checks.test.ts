import { afterAll, describe, expect, it } from 'vitest';
import type { Reseller } from '../../src/db/models';
import type { Registrar, SearchResult } from '../../src/registrar/types';
import {
  buildOrderInput,
  checkRegister,
  checkRenew,
  checkTransfer,
  type OrderRequest,
  type PreCheckArgs,
} from '../../src/services/order-checks';
import { testConfig, testDb } from '../helpers';

/*
 * placeOrder's pre-checks, one per action, and the workflow input they lead to: against the
 * run's database (the demo catalog: .com 12.99 USD to register and renew, 11.70 to transfer in)
 * and a registrar that answers as told, with no Temporal anywhere.
 */

const db = testDb();
afterAll(() => db.destroy());

const reseller = { id: 7, currency: 'USD', markupBps: 0 } as Reseller;
const request = (action: OrderRequest['action'], extra: Partial<OrderRequest> = {}): OrderRequest => ({
  action,
  domain: 'example.com',
  domainField: 'domain_name',
  years: 1,
  paymentMethod: 'wallet',
  ...extra,
});

function args(
  action: OrderRequest['action'],
  opts: {
    local?: PreCheckArgs['local'];
    found?: Partial<SearchResult>;
    atRegistrar?: boolean;
    req?: Partial<OrderRequest>;
  } = {},
): PreCheckArgs & { registrarCalls: string[] } {
  const registrarCalls: string[] = [];
  const registrar = {
    currency: 'USD',
    search: (names: readonly string[]) => {
      registrarCalls.push('search');
      return Promise.resolve(
        names.map((domain) => ({ domain, available: true, premium: false, ...opts.found })),
      );
    },
    info: (domain: string) => {
      registrarCalls.push('info');
      return Promise.resolve(opts.atRegistrar ? ({ domain } as never) : null);
    },
  } as unknown as Registrar;
  return {
    deps: { db, registrar, config: testConfig() },
    reseller,
    req: request(action, opts.req),
    domain: 'example.com',
    tld: 'com',
    local: opts.local ?? null,
    registrarCalls,
  };
}

describe('register', () => {
  it('refuses a name in any account here before asking the registrar', async () => {
    const mine = args('register', { local: { resellerId: 7, expiresAt: null, premium: false } });
    await expect(checkRegister(mine)).rejects.toMatchObject({
      code: 'domain_unavailable',
      message: 'The domain is already in your account.',
    });
    const theirs = args('register', { local: { resellerId: 8, expiresAt: null, premium: false } });
    await expect(checkRegister(theirs)).rejects.toMatchObject({ message: 'The domain is not available.' });
    expect([...mine.registrarCalls, ...theirs.registrarCalls]).toEqual([]);
  });

  const invoice = { paymentMethod: 'invoice' } as const;

  it('refuses a name the registrar says is taken before an invoice is issued', async () => {
    const a = args('register', { found: { available: false }, req: invoice });
    await expect(checkRegister(a)).rejects.toMatchObject({ status: 422, code: 'domain_unavailable' });
    expect(a.registrarCalls).toEqual(['search']);
  });

  it('prices a free standard name from the catalog: a wallet order asks the registrar nothing first', async () => {
    const standardName = {
      amount: 1299n,
      cost: null,
      exchangeRate: null,
      premium: false,
      fromExpiresAt: null,
    };
    // The registration is the wallet order's availability check (one registrar call an order).
    const wallet = args('register', { found: { available: false } });
    expect(await checkRegister(wallet)).toEqual(standardName);
    expect(wallet.registrarCalls).toEqual([]);
    const invoiced = args('register', { req: invoice });
    expect(await checkRegister(invoiced)).toEqual(standardName);
    expect(invoiced.registrarCalls).toEqual(['search']);
  });

  it('asks the registrar when the caller accepts a premium price, or pays by invoice', async () => {
    await expect(
      checkRegister(args('register', { found: { premium: true, price: undefined }, req: invoice })),
    ).rejects.toMatchObject({ code: 'premium_not_offered' });
    const accepting = args('register', {
      found: { premium: true, price: undefined },
      req: { premiumPrice: '120.00' },
    });
    await expect(checkRegister(accepting)).rejects.toMatchObject({ code: 'premium_not_offered' });
    expect(accepting.registrarCalls).toEqual(['search']);
  });
});

describe('renew', () => {
  it("is of this reseller's domain with a known expiry, renewed from it", async () => {
    await expect(checkRenew(args('renew'))).rejects.toMatchObject({ status: 404, code: 'domain_not_found' });
    await expect(
      checkRenew(args('renew', { local: { resellerId: 8, expiresAt: new Date(), premium: false } })),
    ).rejects.toMatchObject({ code: 'domain_not_found' });
    await expect(
      checkRenew(args('renew', { local: { resellerId: 7, expiresAt: null, premium: false } })),
    ).rejects.toMatchObject({ code: 'expiry_unknown' });
    const expiresAt = new Date('2027-03-01T00:00:00Z');
    expect(
      await checkRenew(args('renew', { local: { resellerId: 7, expiresAt, premium: false } })),
    ).toMatchObject({
      amount: 1299n,
      fromExpiresAt: '2027-03-01T00:00:00.000Z',
    });
  });
});

describe('transfer', () => {
  it("refuses another reseller's domain and one the registrar already holds for us", async () => {
    await expect(
      checkTransfer(args('transfer', { local: { resellerId: 8, expiresAt: null, premium: false } })),
    ).rejects.toMatchObject({ code: 'domain_not_found' });
    await expect(
      checkTransfer(
        args('transfer', { local: { resellerId: 7, expiresAt: null, premium: false }, atRegistrar: true }),
      ),
    ).rejects.toMatchObject({ code: 'domain_unavailable' });
  });

  it('prices a domain from elsewhere, or one imported here that the registrar does not hold', async () => {
    const away = args('transfer');
    expect(await checkTransfer(away)).toMatchObject({ amount: 1170n, premium: false });
    expect(away.registrarCalls).toEqual([]);
    const imported = args('transfer', { local: { resellerId: 7, expiresAt: null, premium: false } });
    expect(await checkTransfer(imported)).toMatchObject({ amount: 1170n });
    expect(imported.registrarCalls).toEqual(['info']);
  });
});

describe('every action', () => {
  it('refuses a TLD not offered before anything else, as placeOrder did before the split', async () => {
    for (const check of [checkRegister, checkRenew, checkTransfer]) {
      const a = args('register', { local: { resellerId: 8, expiresAt: null, premium: false } });
      await expect(check({ ...a, domain: 'example.nope', tld: 'nope' })).rejects.toMatchObject({
        status: 422,
        code: 'not_offered',
      });
      expect(a.registrarCalls).toEqual([]);
    }
  });
});

describe('the workflow input', () => {
  it('carries what the request asked and the checks settled, in minor units as text', () => {
    const input = buildOrderInput({
      publicId: 'ord_1',
      reseller: { id: 7, currency: 'IDR ' },
      req: {
        ...request('transfer'),
        idempotencyKey: 'k1',
        nameservers: ['ns1.example.net'],
        gateway: 'xendit',
      },
      domain: 'example.com',
      priced: {
        amount: 233_806n,
        cost: { amountMinor: 1199n, currency: 'USD' },
        exchangeRate: '16250',
        premium: false,
        fromExpiresAt: null,
      },
      sealedAuthCode: 'sealed:abc',
      contactRefs: { registrant: 11, admin: 12 },
      config: { TRANSFER_POLL_SECONDS: 60, TRANSFER_DEADLINE_HOURS: 240 },
    });
    expect(input).toMatchObject({
      publicId: 'ord_1',
      resellerId: 7,
      action: 'transfer',
      currency: 'IDR',
      amountMinor: '233806',
      costMinor: '1199',
      costCurrency: 'USD',
      exchangeRate: '16250',
      idempotencyKey: 'k1',
      nameservers: ['ns1.example.net'],
      sealedAuthCode: 'sealed:abc',
      transferPollSeconds: 60,
      transferDeadlineHours: 240,
      gateway: 'xendit',
      // The people stay out of the run's input: only their handles' IDs.
      contacts: null,
      contactRefs: { registrant: 11, admin: 12 },
      invoiceExpiresAt: null,
    });
  });
});
