import { activityInfo, ApplicationFailure } from '@temporalio/activity';
import type { ContactIds, TransferState } from '../src/registrar/types';
import type { OrderRow, RegistrarResult } from '../src/db/models';
import { OrderFailures } from '../workflows/contracts';
import {
  auditOrder,
  loadOrder,
  type OrderActivityDeps,
  registrarFailure,
  withHeartbeat,
} from './order-records';

/**
 * The order's registrar steps: register or renew (idempotent: the registrar is asked first
 * whether an earlier attempt took effect), submit and poll a transfer, set the privacy asked for,
 * and store what the registrar answered before billing.
 */
export function createProvisioningActivities(deps: OrderActivityDeps) {
  const { db, registrar } = deps;

  /** Register: the domain is in our registrar account and nobody here owns it. Renew: the expiry moved past the priced one. */
  /** Register: the domain is in our registrar account and nobody here owns it. Renew: the expiry moved past the priced one. */
  async function findProvisionedOrder(order: OrderRow): Promise<{ expiresAt: string | null } | null> {
    const info = await registrar.info(order.domainName);
    if (!info) return null;
    if (order.action === 'register') {
      const local = (await db('domains').where({ name: order.domainName }).first('id')) as
        { id: number } | undefined;
      return local ? null : { expiresAt: info.expiresAt?.toISOString() ?? null };
    }
    if (order.action === 'renew' && order.fromExpiresAt && info.expiresAt) {
      const from = new Date(order.fromExpiresAt).getTime();
      // A renewal adds at least ~11 months; anything less is drift, not our renewal.
      return info.expiresAt.getTime() >= from + 330 * 24 * 3600_000
        ? { expiresAt: info.expiresAt.toISOString() }
        : null;
    }
    return null;
  }

  /** The order's registrar contacts: created once, stored, and reused by every retry. */
  async function contactsOf(order: OrderRow): Promise<ContactIds | undefined> {
    if (order.registrarContacts) return order.registrarContacts;
    if (!order.request.contacts) return undefined;
    const ids = await registrar.createContacts(order.request.contacts);
    await db('orders').where({ id: order.id }).update({ registrarContacts: ids });
    return ids;
  }

  return {
    async provision(orderId: number): Promise<{ expiresAt: string | null }> {
      return withHeartbeat(async () => {
        const order = await loadOrder(db, orderId);
        if (order.registrarResult) return order.registrarResult;
        // Only a repeated attempt (this activity's, or a resumed order's) can find an earlier one
        // applied; the first asks the registrar nothing before acting.
        if (activityInfo().attempt > 1 || order.attempt > 1) {
          const settled = await findProvisionedOrder(order);
          if (settled) return settled;
        }
        try {
          if (order.action === 'register') {
            const res = await registrar.register({
              domain: order.domainName,
              years: order.years,
              currency: order.currency.trim(),
              contactIds: await contactsOf(order),
              nameservers: order.request.nameservers ?? undefined,
              premium: order.premium,
            });
            return { expiresAt: res.expiresAt?.toISOString() ?? null };
          }
          if (!order.fromExpiresAt)
            throw ApplicationFailure.nonRetryable(
              'renew order without an expiry',
              OrderFailures.RegistrarRejected,
            );
          const res = await registrar.renew({
            domain: order.domainName,
            years: order.years,
            currentExpiryYear: new Date(order.fromExpiresAt).getUTCFullYear(),
            currency: order.currency.trim(),
          });
          return { expiresAt: res.expiresAt?.toISOString() ?? null };
        } catch (err) {
          return registrarFailure(err);
        }
      });
    },

    /** After retries ran out: did the registrar apply the order after all? */
    async findProvisioned(orderId: number): Promise<{ expiresAt: string | null } | null> {
      return findProvisionedOrder(await loadOrder(db, orderId));
    },

    async submitTransfer(orderId: number): Promise<void> {
      return withHeartbeat(async () => {
        const order = await loadOrder(db, orderId);
        try {
          const status = await registrar.transferStatus(order.domainName);
          if (status && (status.state === 'pending' || status.state === 'completed')) return;
          if (!order.authCode)
            throw ApplicationFailure.nonRetryable(
              'transfer order without an auth code',
              OrderFailures.RegistrarRejected,
            );
          await registrar.transfer({
            domain: order.domainName,
            authCode: deps.secrets.open(order.authCode),
            currency: order.currency.trim(),
          });
        } catch (err) {
          return registrarFailure(err);
        }
      });
    },

    async checkTransfer(orderId: number): Promise<{ state: TransferState; expiresAt: string | null }> {
      const order = await loadOrder(db, orderId);
      const status = await registrar.transferStatus(order.domainName);
      if (!status) return { state: 'failed', expiresAt: null };
      if (status.state !== 'completed') return { state: status.state, expiresAt: null };
      const info = await registrar.info(order.domainName);
      return { state: 'completed', expiresAt: info?.expiresAt?.toISOString() ?? null };
    },

    /**
     * Registrations and transfers: sets the privacy the order asked for at the registrar (Dynadot
     * takes it only once the domain is in the account) and returns what the registrar then holds.
     * Idempotent: a retry after a lost answer finds the option already set.
     */
    async applyOrderPrivacy(orderId: number): Promise<'full' | 'partial' | 'off'> {
      return withHeartbeat(async () => {
        const order = await loadOrder(db, orderId);
        const wanted = order.request.privacy as 'full' | 'partial' | 'off' | null | undefined;
        try {
          const info = await registrar.info(order.domainName);
          if (!wanted || info?.privacy === wanted) return info?.privacy ?? 'off';
          // (The workflow asks only when the order wants a privacy setting.)
          await registrar.setPrivacy(order.domainName, wanted);
          return wanted;
        } catch (err) {
          return registrarFailure(err);
        }
      });
    },

    /** The privacy step failed for good: the order completes with what the registrar holds, for review. */
    async recordPrivacyFailure(orderId: number, message: string): Promise<void> {
      const order = await loadOrder(db, orderId);
      await auditOrder(db, order, 'privacy_not_applied', {
        domain_name: order.domainName,
        requested: order.request.privacy ?? null,
        error: message.slice(0, 500),
      });
    },

    /** Stores what the registrar answered before billing, so a billing failure never loses it. */
    async recordRegistrarResult(orderId: number, result: RegistrarResult): Promise<void> {
      await db('orders').where({ id: orderId }).update({ registrarResult: result, updatedAt: db.fn.now() });
    },

    /**
     * One transaction: capture the hold (wallet orders), create or update the domain, complete
     * the order, write the reconciliation audit event and the completion event.
     */
  };
}
