import type { Knex } from 'knex';
import type { Middleware } from 'koa';
import type { ApiLogWriter } from './api/api-log-writer';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface ApiMetrics {
  registry: Registry;
  middleware: Middleware;
}

/**
 * Prometheus metrics of the API process: HTTP counts and latency by route and status, plus
 * business gauges read from Postgres at scrape time (so every API replica reports the same
 * truth): orders by status, webhook deliveries by status, ledger holds outstanding.
 */
export function createApiMetrics(db: Knex, apiLogs: ApiLogWriter): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  new Gauge({
    name: 'orders',
    help: 'Orders by action and status',
    labelNames: ['action', 'status'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await db('orders')
        .select('action', 'status')
        .count<Array<{ action: string; status: string; count: string }>>('* as count')
        .groupBy('action', 'status');
      for (const r of rows) this.set({ action: r.action, status: r.status }, Number(r.count));
    },
  });
  new Gauge({
    name: 'webhook_deliveries',
    help: 'Webhook deliveries (event × endpoint) by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await db('webhookJobs')
        .select('status')
        .count<Array<{ status: string; count: string }>>('* as count')
        .groupBy('status');
      for (const r of rows) this.set({ status: r.status }, Number(r.count));
    },
  });
  new Gauge({
    name: 'ledger_holds_outstanding',
    help: 'Pending wallet holds: count and total minor units by currency',
    labelNames: ['currency', 'measure'],
    registers: [registry],
    async collect() {
      this.reset();
      const { rows } = await db.raw<{ rows: Array<{ currency: string; count: string; total: string }> }>(
        `SELECT currency, count(*)::text AS count, COALESCE(-SUM(amount_minor), 0)::text AS total
           FROM ledger_entries WHERE status = 'pending' GROUP BY currency`,
      );
      for (const r of rows) {
        this.set({ currency: r.currency.trim(), measure: 'count' }, Number(r.count));
        this.set({ currency: r.currency.trim(), measure: 'minor_units' }, Number(r.total));
      }
    },
  });

  new Gauge({
    name: 'api_log_rows',
    help: 'api_logs rows of this process: queued (not yet written) and dropped (queue overflow or refused)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.set({ state: 'queued' }, apiLogs.pending);
      this.set({ state: 'dropped' }, apiLogs.dropped);
    },
  });

  const middleware: Middleware = async (ctx, next) => {
    const end = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      const labels = {
        method: ctx.method,
        route: typeof matched === 'string' ? matched : 'unmatched',
        status: String(ctx.status),
      };
      requests.inc(labels);
      duration.observe(labels, Number(process.hrtime.bigint() - end) / 1e9);
    }
  };
  return { registry, middleware };
}
