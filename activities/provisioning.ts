import { createHash } from 'node:crypto';
import { registrarIdsOfHandles } from './contact-mirror';
import { activityInfo, ApplicationFailure } from '@temporalio/activity';
import { RegistrarError } from '../src/registrar/errors';
import type { ContactIds, Contacts } from '../src/registrar/types';
import type { OrderRow, RegistrarResult } from '../src/db/models';
import { OrderFailures, type RegistrationOutcome } from '../workflows/contracts';
import {
  auditOrder,
  loadOrder,
  type OrderActivityDeps,
  registrarFailure,
  withHeartbeat,
} from './order-records';
import { refusedRegistration } from './registration-refusals';

/**
 * The order's registrar steps: register or renew (idempotent: the registrar is asked first
 * whether an earlier attempt took effect), set the nameservers and privacy asked for, and store
 * what the registrar answered before billing. A transfer's steps are in transfers.ts.
 */
export function createProvisioningActivities(deps: OrderActivityDeps) {
  const { db, registrar } = deps;

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

  /**
   * Evidence that a registration whose answer was lost took effect: the domain in `domain_info`,
   * or in the account's domain list (which a fresh registration reaches before domain_info does),
   * and nobody here owning it.
   */
  async function registeredEarlier(order: OrderRow): Promise<{ expiresAt: string | null } | null> {
    const local = (await db('domains').where({ name: order.domainName }).first('id')) as
      { id: number } | undefined;
    if (local) return null;
    const info = await registrar.info(order.domainName);
    if (info) return { expiresAt: info.expiresAt?.toISOString() ?? null };
    const listed = await registrar.inAccount(order.domainName);
    return listed ? { expiresAt: listed.expiresAt?.toISOString() ?? null } : null;
  }

  /**
   * A registration sent earlier with no answer kept: registered (evidence found), unsettled
   * (no evidence yet, but the registrar's lag window since the call is still open: look again
   * later), or absent (the window has passed without a sign: it did not take effect).
   */
  async function settle(order: OrderRow): Promise<RegistrationOutcome | { state: 'absent' }> {
    if (order.registrarResult) return { state: 'registered', expiresAt: order.registrarResult.expiresAt };
    if (!order.registerSentAt) return { state: 'absent' };
    const found = await registeredEarlier(order);
    if (found) return { state: 'registered', ...found };
    const left = new Date(order.registerSentAt).getTime() + deps.registrarLagMs - Date.now();
    if (left > 0)
      return { state: 'unsettled', waitSeconds: Math.max(1, Math.min(60, Math.ceil(left / 1000))) };
    return { state: 'absent' };
  }

  /**
   * The order's registrar contacts: the ones an earlier order of the reseller created for the
   * same registrant and admin, else created now (and kept for the next order); stored on the
   * order, so every retry reuses them. `alsoSet`: more of the order's columns, written in the
   * same update (a registration's `register_sent_at`).
   */
  async function contactsOf(
    order: OrderRow,
    alsoSet: Partial<Record<keyof OrderRow, unknown>> = {},
  ): Promise<ContactIds | undefined> {
    const refs = order.request.contactRefs;
    let ids = order.registrarContacts ?? undefined;
    const changes: Record<string, unknown> = { ...alsoSet };
    if (!ids && refs) {
      // The handles' registrar contacts, and the people they hold kept on the order (what it
      // sent: its domain's record of them), in the update made anyway.
      const mirrored = await registrarIdsOfHandles(db, registrar, refs);
      ids = mirrored.ids;
      changes['request'] = db.raw("request || jsonb_build_object('contacts', ?::jsonb)", [
        JSON.stringify(mirrored.contacts),
      ]);
    } else if (!ids && order.request.contacts) ids = await lookUpContacts(order);
    if (ids && !order.registrarContacts) changes['registrarContacts'] = ids;
    if (Object.keys(changes).length > 0) await db('orders').where({ id: order.id }).update(changes);
    return ids;
  }

  /**
   * Orders from before contact handles: the contact IDs an earlier order of the reseller created
   * for these contacts, else created now.
   */
  async function lookUpContacts(order: OrderRow): Promise<ContactIds> {
    const contacts = order.request.contacts!;
    const fingerprint = contactsFingerprint(contacts);
    const known = (await db('registrarContacts')
      .where({ resellerId: order.resellerId, fingerprint })
      .first('contactIds')) as { contactIds: ContactIds } | undefined;
    if (known) return known.contactIds;
    const ids = await registrar.createContacts(contacts);
    await db('registrarContacts')
      .insert({ resellerId: order.resellerId, fingerprint, contactIds: JSON.stringify(ids) })
      .onConflict(['resellerId', 'fingerprint'])
      .ignore();
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
              contactIds: await contactsOf(order),
              premium: order.premium,
            });
            // Runs begun before the nameserver step of its own set them here.
            if (order.request.nameservers && order.request.nameservers.length > 0)
              await registrar.setNameservers(order.domainName, order.request.nameservers);
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
          });
          return { expiresAt: res.expiresAt?.toISOString() ?? null };
        } catch (err) {
          return registrarFailure(err);
        }
      });
    },

    /**
     * Registers the domain once. A call whose answer was lost is never simply repeated: the next
     * attempt looks for evidence it took effect (domain_info, the account's domain list) and,
     * while the registrar's lag window since that call is open, answers `unsettled` for the
     * workflow to look again later; only once the window has passed without a sign does it
     * register again.
     */
    async registerDomain(orderId: number): Promise<RegistrationOutcome> {
      return withHeartbeat(async () => {
        const order = await loadOrder(db, orderId);
        try {
          // An order already registered, or an earlier call still to settle, is answered from that.
          const earlier = await settle(order);
          if (earlier.state !== 'absent') return earlier;
          // Marked sent (with the contacts it is sent with) before it goes: a lost answer is settled, never resent.
          const contactIds = await contactsOf(order, { registerSentAt: db.fn.now() });
          let res;
          try {
            res = await registrar.register({
              domain: order.domainName,
              years: order.years,
              contactIds,
              premium: order.premium,
            });
          } catch (err) {
            // Refused, throttled, busy or never connected: the registrar did not act, so nothing is
            // left to settle (a timeout, a dropped connection or a 5xx may have: the mark stays).
            if (
              err instanceof RegistrarError &&
              (!err.retryable || /throttled|busy|connection refused/.test(err.message))
            )
              await db('orders').where({ id: orderId }).update({ registerSentAt: null });
            if (err instanceof RegistrarError && err.refusal)
              return await refusedRegistration(deps, order, err);
            throw err;
          }
          return { state: 'registered', expiresAt: res.expiresAt?.toISOString() ?? null };
        } catch (err) {
          return registrarFailure(err);
        }
      });
    },

    /** After the register retries ran out: registered after all, still unsettled, or absent. */
    async settleRegistration(orderId: number): Promise<RegistrationOutcome | { state: 'absent' }> {
      return settle(await loadOrder(db, orderId));
    },

    /**
     * The nameservers the order asked for, set at the registrar as a step of their own once the
     * domain is registered; answers what the registrar then holds (null: nothing was asked).
     */
    async applyOrderNameservers(orderId: number): Promise<string[] | null> {
      return withHeartbeat(async () => {
        const order = await loadOrder(db, orderId);
        const wanted = order.request.nameservers ?? [];
        if (wanted.length === 0) return null;
        try {
          await registrar.setNameservers(order.domainName, wanted);
          return wanted;
        } catch (err) {
          return registrarFailure(err);
        }
      });
    },

    /** The nameserver step failed for good: the order completes with the registrar's defaults, for review. */
    async recordNameserverFailure(orderId: number, message: string): Promise<void> {
      const order = await loadOrder(db, orderId);
      await auditOrder(db, order, 'nameservers_not_applied', {
        domain_name: order.domainName,
        requested: order.request.nameservers ?? [],
        error: message.slice(0, 500),
      });
    },

    /** After retries ran out: did the registrar apply the order after all? */
    async findProvisioned(orderId: number): Promise<{ expiresAt: string | null } | null> {
      return findProvisionedOrder(await loadOrder(db, orderId));
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
  };
}

/** The same contacts, whatever order their fields came in: sha256 of their sorted JSON. */
export function contactsFingerprint(contacts: Contacts): string {
  const sorted = (value: unknown): unknown =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(
          Object.entries(value as Record<string, unknown>)
            .filter(([, v]) => v !== undefined && v !== null && v !== '')
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => [k, sorted(v)]),
        )
      : value;
  return createHash('sha256')
    .update(JSON.stringify(sorted(contacts)))
    .digest('hex');
}
