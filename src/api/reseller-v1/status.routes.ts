import { Router } from '@koa/router';
import { answers } from '../http/answers';
import { StatusJson } from '../../views/account';
import type { AppDeps, AppState } from '../http/context';
import { requireAuth } from '../http/context';
import { respond } from '../http/envelope';
import { requireAbility } from '../middleware/auth';
import { moneyJson } from '../../money';
import { getBalance } from '../../services/wallet';

/** `GET /status`: account, wallet and a summary (seed 000, ability billing.read). */
export function createStatusRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();

  router.get('/status', answers({ 200: StatusJson }), requireAbility('billing.read'), async (ctx) => {
    const { reseller } = requireAuth(ctx);
    const [balance, domainCount] = await Promise.all([
      getBalance(deps.db, reseller.id, reseller.currency),
      deps.db('domains').where({ resellerId: reseller.id }).count<{ count: string }[]>({ count: '*' }),
    ]);
    respond(ctx, {
      account: { id: reseller.id, name: reseller.name, email: reseller.email, status: reseller.status },
      wallet: {
        currency: reseller.currency,
        balance: moneyJson(balance.posted, reseller.currency),
        held: moneyJson(-balance.held, reseller.currency),
        available: moneyJson(balance.available, reseller.currency),
      },
      summary: { domains: Number(domainCount[0]?.count ?? 0) },
    });
  });

  return router;
}
