import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccountLevel } from '../../src/registrar/account';
import { readJson, send } from './http';
import type { FaultKind, Faults, SimDomain, SimOperation } from './state';
import type { SimulatedAccount } from './account';

/** What the admin endpoints read and change of the simulator. */
export interface SimAdmin {
  readonly domains: Map<string, SimDomain>;
  readonly renewalPrices: Map<string, string>;
  readonly operations: SimOperation[];
  readonly account: SimulatedAccount;
  readonly calls: Map<string, number>;
  readonly breaches: { threads: number; rate: number };
  readonly queuedFaults: number;
  faults: Faults;
  lagMs: number;
  setFaults(faults: Partial<Faults>): void;
  failNextCall(fault: FaultKind, command?: string, times?: number): void;
  seedDomain(name: string, expiresAt: Date): SimDomain;
  unlockTransfer(domain: string): boolean;
  reset(): void;
}

/**
 * The simulator's admin endpoints (JSON): GET /__sim/state, PUT /__sim/faults, PUT
 * /__sim/account, POST /__sim/fail-next, POST /__sim/domains, POST /__sim/transfers/unlock,
 * POST /__sim/reset.
 */
export async function adminRoute(
  sim: SimAdmin,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const body = req.method === 'GET' ? {} : await readJson(req);
  switch (`${req.method} ${url.pathname}`) {
    case 'GET /__sim/state':
      return send(res, 200, {
        domains: [...sim.domains.values()],
        operations: sim.operations,
        faults: sim.faults,
        account: { level: sim.account.level, windowMs: sim.account.windowMs, lagMs: sim.lagMs },
        breaches: sim.breaches,
        peak: sim.account.peak,
        calls: Object.fromEntries(sim.calls),
      });
    case 'PUT /__sim/account': {
      const b = body as { level?: AccountLevel; windowMs?: number; lagMs?: number };
      if (b.level) sim.account.level = b.level;
      if (b.windowMs) sim.account.windowMs = b.windowMs;
      if (b.lagMs !== undefined) sim.lagMs = b.lagMs;
      return send(res, 200, { level: sim.account.level, lagMs: sim.lagMs });
    }
    case 'POST /__sim/transfers/unlock': {
      const b = body as { domain: string };
      return send(res, 200, { unlocked: sim.unlockTransfer(b.domain) });
    }
    case 'PUT /__sim/faults':
      sim.setFaults(body as Partial<Faults>);
      return send(res, 200, { faults: sim.faults });
    case 'POST /__sim/fail-next': {
      const b = body as { fault: FaultKind; command?: string; times?: number };
      sim.failNextCall(b.fault, b.command, b.times ?? 1);
      return send(res, 200, { queued: sim.queuedFaults });
    }
    case 'POST /__sim/domains': {
      const b = body as { name: string; expiresAt: string };
      return send(res, 200, sim.seedDomain(b.name, new Date(b.expiresAt)));
    }
    case 'PUT /__sim/renewal-prices': {
      const b = body as { domain?: string; usd?: string };
      if (!b.domain || !b.usd || !/^\d+\.\d{2}$/.test(b.usd))
        return send(res, 422, { error: 'send domain and usd (e.g. "650.00")' });
      sim.renewalPrices.set(b.domain.toLowerCase(), b.usd);
      return send(res, 200, { domain: b.domain.toLowerCase(), usd: b.usd });
    }
    case 'POST /__sim/reset':
      sim.reset();
      return send(res, 200, { ok: true });
    default:
      return send(res, 404, { error: 'unknown admin endpoint' });
  }
}
