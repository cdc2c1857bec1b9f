/** Registering, renewing and transferring in (with the transfer order's script of states). */
import { isRegistrarCurrency } from '../../../src/registrar/account';
import { registeredNow } from '../lag';
import {
  FINAL_TRANSFER,
  type Handler,
  PREMIUM_USD,
  RATES,
  RENEW_PRICES,
  registeredElsewhere,
  type SimState,
  type SimTransfer,
  YEAR_MS,
} from '../state';

/**
 * One status poll moves the newest order along its script: `none` → `waiting` → `approved` →
 * `Transferred` (or `failed`), stopping at `auth code needed` or `locked` until the reseller acts.
 */
export function advanceTransfer(sim: SimState, domain: string, sld: string, t: SimTransfer): void {
  if (FINAL_TRANSFER.has(t.status)) return;
  t.polls += 1;
  if (t.blockedOn === 'auth') {
    t.status = 'auth code needed';
    return;
  }
  if (t.blockedOn === 'unlock') {
    t.status = 'locked';
    return;
  }
  if (sld.startsWith('transferstuck')) {
    t.status = 'waiting';
    return;
  }
  const toComplete = sim.transferPollsToComplete;
  t.progress = (t.progress ?? 0) + 1;
  if (t.progress >= toComplete) {
    if (sld.startsWith('transferfail')) t.status = 'failed';
    else {
      t.status = 'Transferred';
      sim.seedDomain(domain, new Date(Date.now() + YEAR_MS), { locked: false });
    }
  } else t.status = t.progress >= toComplete - 1 && toComplete > 2 ? 'approved' : 'waiting';
}

export const ORDERS_COMMANDS: Record<string, Handler> = {
  register: (c) => {
    const { p, domain, owned, sld, fail, sim } = c;
    if (p['currency'] !== undefined && !isRegistrarCurrency(p['currency']))
      return fail(`invalid currency ${p['currency']}`);
    if (owned || registeredElsewhere(sld)) {
      return { RegisterResponse: { ResponseCode: '1', Status: 'not_available' } };
    }
    if (sld.startsWith('premium') && p['premium'] !== '1') {
      return fail('this domain is a premium domain, please use premium option');
    }
    if (sld.startsWith('reject')) return fail('the registry rejected this registration');
    const years = Number(p['duration'] ?? '1');
    if (!Number.isInteger(years) || years < 1 || years > 10) return fail('invalid duration');
    const now = Date.now();
    const d = sim.seedDomain(domain, new Date(now + years * YEAR_MS), {
      registeredAt: now,
      locked: false,
      contacts: {
        registrant: p['registrant_contact'] ?? '',
        admin: p['admin_contact'] ?? '',
      },
    });
    registeredNow(sim, d);
    sim.operations.push({ command: 'register', domain, at: now, currency: p['currency'] ?? 'USD' });
    return {
      RegisterResponse: {
        ResponseCode: 0,
        Status: 'success',
        DomainName: domain,
        Expiration: d.expiresAt,
      },
    };
  },
  renew: (c) => {
    const { p, domain, owned, sld, fail, notFound, sim } = c;
    if (p['currency'] !== undefined && !isRegistrarCurrency(p['currency']))
      return fail(`invalid currency ${p['currency']}`);
    if (!owned) return notFound();
    if (p['price_check'] === '1') {
      // Only the price: nothing is renewed.
      const currency = (p['currency'] ?? 'USD').toUpperCase();
      const usd =
        sim.renewalPrices.get(domain) ??
        (sld.startsWith('premium')
          ? PREMIUM_USD
          : (RENEW_PRICES[domain.split('.').slice(1).join('.')] ?? '19.99'));
      return {
        RenewResponse: {
          ResponseCode: '0',
          Status: 'price_check_success',
          PriceInfo: `Renewal Price: ${(Number(usd) * (RATES[currency] ?? 1)).toFixed(2)} in ${currency}`,
        },
      };
    }
    const currentYear = new Date(owned.expiresAt).getUTCFullYear();
    if (p['year'] !== undefined && Number(p['year']) !== currentYear) {
      return fail(`renew year mismatch: the domain expires in ${currentYear}`);
    }
    const years = Number(p['duration'] ?? '1');
    owned.expiresAt += years * YEAR_MS;
    sim.operations.push({ command: 'renew', domain, at: Date.now() });
    return {
      RenewResponse: {
        ResponseCode: '0',
        Status: 'success',
        DomainName: domain,
        Expiration: owned.expiresAt,
      },
    };
  },
  transfer: (c) => {
    const { p, domain, owned, sld, fail, sim } = c;
    if (p['currency'] !== undefined && !isRegistrarCurrency(p['currency']))
      return fail(`invalid currency ${p['currency']}`);
    if (owned) return fail('domain is already in your account');
    if (!registeredElsewhere(sld)) return fail('domain is not registered');
    if (!p['auth'] || p['auth'] === 'BADAUTH') return fail('invalid auth code');
    const orders = sim.transfers.get(domain) ?? [];
    if (orders[0] && !FINAL_TRANSFER.has(orders[0].status))
      return fail('a transfer order for this domain is already pending');
    const orderId = sim.newId();
    const blockedOn = sld.startsWith('transferauth')
      ? 'auth'
      : sld.startsWith('transferlock')
        ? 'unlock'
        : null;
    sim.transfers.set(domain, [{ orderId, status: 'none', polls: 0, blockedOn }, ...orders]);
    sim.operations.push({ command: 'transfer', domain, at: Date.now() });
    return {
      TransferResponse: {
        ResponseCode: 0,
        Status: 'order created',
        DomainName: domain,
        OrderId: orderId,
      },
    };
  },
  get_transfer_status: (c) => {
    const { domain, sld, sim } = c;
    const orders = sim.transfers.get(domain) ?? [];
    const t = orders[0];
    if (t) advanceTransfer(sim, domain, sld, t);
    // Right after an order is placed it is not listed yet (its first poll shows the older ones only).
    const hideNewest = t !== undefined && t.polls === 1 && sim.transferPollsToComplete >= 2;
    return {
      GetTransferStatusResponse: {
        ResponseCode: '0',
        Status: 'success',
        TransferList: (hideNewest ? orders.slice(1) : orders).map((o) => ({
          OrderId: o.orderId,
          TransferStatus: o.status,
        })),
      },
    };
  },
  cancel_transfer: (c) => {
    const { p, domain, fail, sim } = c;
    const t = (sim.transfers.get(domain) ?? []).find((o) => o.orderId === p['order_id']);
    if (!t) return fail('could not find the transfer order');
    if (FINAL_TRANSFER.has(t.status)) return fail('this transfer order can not be cancelled');
    t.status = 'cancelled';
    t.blockedOn = null;
    sim.operations.push({ command: 'cancel_transfer', domain, at: Date.now() });
    return { CancelTransferResponse: { ResponseCode: '0', Status: 'success' } };
  },
  set_transfer_auth_code: (c) => {
    const { p, domain, fail, sim } = c;
    const t = (sim.transfers.get(domain) ?? []).find((o) => o.orderId === p['order_id']);
    if (!t) return fail('could not find the transfer order');
    if (!p['auth_code'] || p['auth_code'] === 'BADAUTH') return fail('invalid auth code');
    if (t.blockedOn === 'auth') {
      t.blockedOn = null;
      t.status = 'waiting';
    }
    return { SetTransferAuthCodeResponse: { ResponseCode: '0', Status: 'success' } };
  },
};
