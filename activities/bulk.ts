import { Reseller } from '../src/db/models';
import { splitRegistrable } from '../src/domain-name';
import { formatMinor } from '../src/money';
import { audit } from '../src/services/audit';
import type { BulkOptions } from '../src/services/bulk-items';
import { activeTlds } from '../src/services/catalog';
import { resolveContacts } from '../src/services/contacts';
import { AppError } from '../src/services/errors';
import { rateAsSet } from '../src/services/exchange-rates';
import { buildOrderInput, type OrderRequest, PRE_CHECKS } from '../src/services/order-checks';
import { newPublicId } from '../src/utils/public-ids';
import {
  type BulkAction,
  type BulkItemStep,
  bulkItemKey,
  type DomainOperation,
  domainOperationWorkflowId,
  isOrderAction,
  orderWorkflowId,
} from '../workflows/contracts';
import { domainOperationLabel, orderLabel } from '../workflows/summaries';
import { createBulkEndingActivities } from './bulk-endings';
import { changeZoneForBulkItem } from './bulk-dns';
import type { BulkActivityDeps } from './bulk-endings';

type StoredParams = Omit<BulkOptions, 'auth_code'> & { sealed_auth_code?: string };

interface ItemRow {
  id: string;
  line: number;
  domain: string;
  params: StoredParams;
  status: string;
  priceMinor: string | null;
  jobPublicId: string;
  resellerId: number;
  action: BulkAction;
}

/** A bulk job's steps: its next lines, each item's checks (and the work of those done here), their endings. */
export function createBulkActivities(deps: BulkActivityDeps) {
  const { db } = deps;
  const fail = async (item: ItemRow, code: string, message: string) => {
    await db('bulkJobItems')
      .where({ id: item.id })
      .update({ status: 'failed', errorCode: code, errorMessage: message, finishedAt: db.fn.now() });
    return { kind: 'done' } as const;
  };
  const succeed = async (item: ItemRow) => {
    await db('bulkJobItems').where({ id: item.id }).update({ status: 'succeeded', finishedAt: db.fn.now() });
    return { kind: 'done' } as const;
  };

  /** The order an item places, after the checks a single order passes, at no more than its preflight price. */
  const orderStep = async (item: ItemRow, reseller: Reseller): Promise<BulkItemStep> => {
    const action = item.action as 'register' | 'renew' | 'transfer';
    const p = item.params;
    const currency = reseller.currency.trim();
    const key = bulkItemKey(item.jobPublicId, item.line);
    const req: OrderRequest = {
      action,
      domain: item.domain,
      domainField: 'domain',
      years: p.years ?? 1,
      paymentMethod: 'wallet',
      nameservers: p.nameservers,
      idempotencyKey: key,
      ...(p.registrant_contact_id
        ? {
            contacts: {
              registrant: { id: p.registrant_contact_id },
              ...(p.admin_contact_id ? { admin: { id: p.admin_contact_id } } : {}),
            },
          }
        : {}),
      ...(p.sealed_auth_code ? { authCode: deps.secrets.open(p.sealed_auth_code) } : {}),
      // The preflight's price is what the reseller accepted for a premium name.
      ...(item.priceMinor !== null ? { premiumPrice: formatMinor(BigInt(item.priceMinor), currency) } : {}),
    };
    const { tld } = splitRegistrable(item.domain, await activeTlds(db));
    const local =
      ((await db('domains').where({ name: item.domain }).first('resellerId', 'expiresAt', 'premium')) as
        { resellerId: number; expiresAt: Date | null; premium: boolean } | undefined) ?? null;
    if (action !== 'renew' || !local?.premium) delete req.premiumPrice;
    const priced = await PRE_CHECKS[action]({
      deps: { db, registrar: deps.registrar, config: deps.pricing },
      reseller,
      req,
      domain: item.domain,
      tld,
      local,
    });
    if (item.priceMinor !== null && priced.amount > BigInt(item.priceMinor))
      return fail(
        item,
        'price_changed',
        `The price rose to ${formatMinor(priced.amount, currency)} ${currency} after the job was confirmed at ${formatMinor(BigInt(item.priceMinor), currency)}.`,
      );
    const exchangeRate =
      priced.exchangeRate ?? (priced.cost ? await rateAsSet(db, priced.cost.currency, currency) : null);
    const contactRefs = req.contacts ? await resolveContacts(db, reseller.id, req.contacts) : null;
    const input = buildOrderInput({
      publicId: newPublicId('ord'),
      reseller,
      req,
      domain: item.domain,
      priced: { ...priced, exchangeRate },
      sealedAuthCode: p.sealed_auth_code ?? null,
      contactRefs,
      config: deps.bulk.config,
    });
    await db('bulkJobItems').where({ id: item.id }).update({ orderPublicId: input.publicId });
    return {
      kind: 'order',
      workflowId: orderWorkflowId(reseller.id, key),
      input,
      label: orderLabel(input, reseller, `bulk job ${item.jobPublicId}, line ${item.line}`),
    };
  };

  /** The registrar operation an item runs (its domain in the account), or the work done here. */
  const otherStep = async (item: ItemRow, reseller: Reseller, taskQueue: string): Promise<BulkItemStep> => {
    const domain = (await db('domains')
      .where({ name: item.domain, resellerId: reseller.id })
      .first('id', 'name')) as { id: number; name: string } | undefined;
    if (!domain) return fail(item, 'domain_not_found', 'Domain not found in your account.');
    const p = item.params;
    if (item.action === 'auto_renew') {
      await db.transaction(async (trx) => {
        await trx('domains')
          .where({ id: domain.id })
          .update({ autoRenew: p.enabled === true });
        await audit(trx, {
          actor: `reseller:${reseller.id}`,
          resellerId: reseller.id,
          type: 'domain_auto_renew_set',
          subjectType: 'domain',
          subjectId: String(domain.id),
          data: { autoRenew: p.enabled === true, bulkJob: item.jobPublicId, line: item.line },
        });
      });
      return succeed(item);
    }
    if (item.action === 'dns_replace') {
      const result = await changeZoneForBulkItem(
        deps.bulk.temporal(),
        { domainId: domain.id, resellerId: reseller.id, domain: domain.name, resellerName: reseller.name },
        { kind: 'replace', records: p.records ?? [], push: true },
        `dns:${bulkItemKey(item.jobPublicId, item.line)}`,
        taskQueue,
      );
      return result.ok ? succeed(item) : fail(item, result.code, result.message);
    }
    const operation: DomainOperation =
      item.action === 'nameservers'
        ? { op: 'set_nameservers', nameservers: p.nameservers ?? [] }
        : item.action === 'lock'
          ? { op: 'set_lock', locked: p.locked === true }
          : { op: 'set_privacy', privacy: p.privacy ?? 'off' };
    const input = { resellerId: reseller.id, domainId: domain.id, domain: domain.name, operation };
    return {
      kind: 'operation',
      workflowId: domainOperationWorkflowId(reseller.id, bulkItemKey(item.jobPublicId, item.line)),
      input,
      label: domainOperationLabel(input, reseller),
    };
  };

  return {
    /** The job's next pending lines after `afterLine`, in order. */
    async nextBulkLines(jobId: number, afterLine: number, limit: number): Promise<number[]> {
      const rows = (await db('bulkJobItems')
        .where({ jobId, status: 'pending' })
        .where('line', '>', afterLine)
        .orderBy('line')
        .limit(limit)
        .select('line')) as Array<{ line: number }>;
      return rows.map((r) => r.line);
    },

    /**
     * One item's step, after the checks its single request passes now (a refusal ends the item
     * as failed, with the check's code). Items that need no workflow of their own (auto-renew,
     * DNS through the zone's workflow) are done here. An item already ended is not run again.
     */
    async prepareBulkItem(jobId: number, line: number, taskQueue: string): Promise<BulkItemStep> {
      const item = (await db('bulkJobItems as i')
        .join('bulkJobs as j', 'j.id', 'i.jobId')
        .where({ 'i.jobId': jobId, 'i.line': line })
        .first(
          'i.id',
          'i.line',
          'i.domain',
          'i.params',
          'i.status',
          'i.priceMinor',
          'j.publicId as jobPublicId',
          'j.resellerId',
          'j.action',
        )) as ItemRow | undefined;
      if (!item || (item.status !== 'pending' && item.status !== 'running')) return { kind: 'done' };
      await db('bulkJobItems').where({ id: item.id }).update({ status: 'running', startedAt: db.fn.now() });
      const reseller = (await Reseller.query(db).findById(item.resellerId))!;
      try {
        return isOrderAction(item.action)
          ? await orderStep(item, reseller)
          : await otherStep(item, reseller, taskQueue);
      } catch (err) {
        if (err instanceof AppError && err.status < 500) return fail(item, err.code, err.message);
        throw err;
      }
    },

    ...createBulkEndingActivities(deps),
  };
}
