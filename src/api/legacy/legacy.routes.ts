import { queueFor } from '../../temporal/queues';
import { Router } from '@koa/router';
import { resolveContacts } from '../../services/contacts';
import { answers, DOMAIN_OPERATION, ORDER_PLACEMENT, REGISTRAR_READ } from '../http/answers';
import { z } from 'zod';
import { formatMinor } from '../../money';
import { runDomainOperation } from '../../services/domain-ops';
import { getBalance } from '../../services/wallet';
import type { AppDeps, AppState } from '../http/context';
import { requireAuth } from '../http/context';
import { AppError, unprocessable } from '../../services/errors';
import { idempotency } from '../middleware/idempotency';
import { ownedDomain, readContacts, readNameservers } from '../../services/domains';
import { searchDomains } from '../../services/search';
import { placeOrderAnswer } from '../orders';
import { presentDomain, presentSync } from '../../views/domains';
import { input, validate } from '../http/validate';
import { LEGACY_PATH, legacyReply } from './legacy.envelope';
import { legacyRequest } from './legacy.schema';

const legacyEnvelope = z.object({ body: legacyRequest });

/**
 * `POST /api/index.php`: the old action API on the same core. The API key may come in
 * `X-API-KEY` (safest), the body's `api_key` or the query's `api_key`.
 */
export function createLegacyRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();

  router.post(
    LEGACY_PATH,
    answers({ 200: 'legacy', 201: 'legacy', 202: 'legacy' }, [
      ...new Set([...ORDER_PLACEMENT, ...DOMAIN_OPERATION, ...REGISTRAR_READ]),
    ]),
    validate(legacyEnvelope),
    idempotency(deps.db, { required: false }),
    async (ctx) => {
      const req = input(ctx, legacyEnvelope).body;
      const auth = requireAuth(ctx);
      const { reseller } = auth;
      const currency = reseller.currency.trim();
      const balance = async () => (await getBalance(deps.db, reseller.id, currency)).available;
      const money = (v: bigint) => formatMinor(v, currency);
      const operate = async (
        domainRef: string,
        operation: Parameters<typeof runDomainOperation>[1]['operation'],
      ) => {
        const domain = await ownedDomain(deps.db, reseller.id, domainRef);
        const outcome = await runDomainOperation(
          { temporal: deps.temporal, taskQueue: queueFor(deps.config, 'domainOperationWorkflow') },
          {
            resellerId: reseller.id,
            domainId: domain.id,
            domain: domain.name,
            operation,
            idempotencyKey: ctx.state.idempotencyKey,
            resellerName: reseller.name,
          },
          deps.config.ORDER_ACCEPT_WAIT_MS,
        );
        if (!outcome.done) return { domain, pending: true as const, data: {} };
        if (!outcome.result.ok) throw unprocessable(outcome.result.code, outcome.result.message);
        return { domain, pending: false as const, data: outcome.result.data };
      };
      const billable = async (
        run: () => Promise<{ status: number; message: string; data: Record<string, unknown> }>,
      ) => {
        const before = await balance();
        const meta = async () => ({
          balance_before: money(before),
          balance_after: money(await balance()),
          currency,
        });
        let res: Awaited<ReturnType<typeof run>>;
        try {
          res = await run();
        } catch (err) {
          // A refused billable action says what the balance was and is, as a success does.
          if (err instanceof AppError && err.status < 500) throw err.withMeta(await meta());
          throw err;
        }
        legacyReply(ctx, res.status, res.message, res.data, await meta());
      };
      const orderRequest = { paymentMethod: 'wallet' as const, domainField: 'domainName' };
      const ORDERS_PATH = '/api/v1/orders';

      switch (req.action) {
        case 'checkDomain': {
          const [row] = await searchDomains(deps, reseller, [req.domainName]);
          if (row?.reason) throw unprocessable('validation_error', row.reason, { domainName: [row.reason] });
          return legacyReply(ctx, 200, row?.available ? 'Domain is available.' : 'Domain is not available.', {
            domainName: row?.domain_name,
            available: row?.available,
            premium: row?.premium,
            prices: row?.prices,
          });
        }
        case 'getDomainInfo': {
          // Our record, with whether the registrar shows it yet (never a registrar call per read).
          const domain = await ownedDomain(deps.db, reseller.id, req.domainName);
          return legacyReply(ctx, 200, 'Domain information retrieved.', { domain: presentDomain(domain) });
        }
        case 'registerDomain':
          return billable(() =>
            placeOrderAnswer(
              deps,
              ctx,
              {
                ...orderRequest,
                action: 'register',
                domain: req.domainName,
                years: req.period,
                nameservers: req.nameservers,
                contacts: { registrant: { contact: req.registrantInfo }, admin: { contact: req.adminInfo } },
              },
              ORDERS_PATH,
            ),
          );
        case 'renewDomain': {
          return billable(() =>
            placeOrderAnswer(
              deps,
              ctx,
              {
                ...orderRequest,
                action: 'renew',
                domain: req.domainName,
                years: req.period,
                premiumPrice: req.premiumPrice,
              },
              ORDERS_PATH,
            ),
          );
        }
        case 'transferDomain':
          return billable(() =>
            placeOrderAnswer(
              deps,
              ctx,
              {
                ...orderRequest,
                action: 'transfer',
                domain: req.domainName,
                years: req.period,
                authCode: req.authCode,
              },
              ORDERS_PATH,
            ),
          );
        case 'getNameservers': {
          const domain = await ownedDomain(deps.db, reseller.id, req.domainName);
          return legacyReply(ctx, 200, 'Nameservers retrieved.', {
            nameservers: readNameservers(domain),
            ...presentSync(domain),
          });
        }
        case 'updateNameservers': {
          const res = await operate(req.domainName, { op: 'set_nameservers', nameservers: req.nameservers });
          return legacyReply(
            ctx,
            res.pending ? 202 : 200,
            res.pending ? 'Update in progress.' : 'Nameservers updated.',
            { nameservers: req.nameservers },
          );
        }
        case 'getContactDetails':
        case 'getWhois': {
          const domain = await ownedDomain(deps.db, reseller.id, req.domainName);
          const contacts = await readContacts(deps, domain);
          const old = (c: (typeof contacts)['registrant']) => ({
            ...c,
            address: c.address1,
            postalCode: c.postcode,
          });
          return legacyReply(ctx, 200, 'Contact details retrieved.', {
            registrantInfo: old(contacts.registrant),
            adminInfo: old(contacts.admin),
            ...presentSync(domain),
          });
        }
        case 'updateContactDetails':
        case 'updateWhois': {
          // The people become handles: the run names their IDs only.
          const contactRefs = await resolveContacts(deps.db, reseller.id, {
            registrant: { contact: req.registrantInfo },
            admin: { contact: req.adminInfo },
          });
          const res = await operate(req.domainName, { op: 'set_contacts', contactRefs });
          return legacyReply(
            ctx,
            res.pending ? 202 : 200,
            res.pending ? 'Update in progress.' : 'Contact details updated.',
            null,
          );
        }
        case 'getEPPCode': {
          const res = await operate(req.domainName, { op: 'request_epp' });
          if (res.pending) return legacyReply(ctx, 202, 'EPP code request in progress.', null);
          return legacyReply(ctx, 200, 'EPP code retrieved.', {
            eppCode: deps.secrets.open(String(res.data['sealedAuthCode'])),
          });
        }
        case 'getBalance': {
          const b = await getBalance(deps.db, reseller.id, currency);
          return legacyReply(ctx, 200, 'Balance retrieved.', {
            balance: money(b.posted),
            available: money(b.available),
            held: money(-b.held),
            currency,
          });
        }
      }
    },
  );

  return router;
}
